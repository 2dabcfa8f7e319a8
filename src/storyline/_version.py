"""storyline's version, in a module of its own that imports nothing: the package root re-exports
it, and whoever needs only the version (a Dask engine checking its workers) reads it from here
without importing the Python API."""

__version__ = "0.1.0"
