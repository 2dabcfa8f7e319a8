"""Understanding: sentences, hedges and genre, entities, events, embeddings."""
