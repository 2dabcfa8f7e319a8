"""Bytes decode the way a reader of their language would see them (issue 10 part 3, issue 12 decoding).

Every document here is written in the test and encoded on the spot; no shared data is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import BinaryInput
from storyline.model import ContentKind
from storyline.sources.sniff import decode, decode_document, decoding_repairs, sniff

# The shapes users saw garbled: pound signs, curly quotes, an em dash and CRLF line ends.
ENGLISH = (
    "ATHENS — Greece’s lenders agreed on Tuesday to release £625m of the next tranche, officials said.\r\n"
    "“This is not excluded,” one of them told reporters, adding that Europe’s patience was ‘wearing thin’.\r\n"
    "The deal – worth about €1.2bn in all – still needs the approval of three national parliaments.\r\n"
)


def test_windows_1252_english_decodes_exactly() -> None:
    decoded = decode_document(ENGLISH.encode("cp1252"))
    assert decoded.text == ENGLISH
    assert decoded.charset == "cp1252"
    assert decoded.fixes == () and decoded.controls_removed == 0


@pytest.mark.parametrize("line", ENGLISH.split("\r\n")[:3])
def test_one_windows_1252_line_is_not_read_as_a_cjk_code_page(line: str) -> None:
    # Short texts are where detectors pick Shift-JIS (£625m → ｣625m) or cp1250 (Europe’s → Europeĺs).
    assert decode_document(line.encode("cp1252")).text == line


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        (
            "Le maire a présenté un budget « irréaliste » selon l'opposition, qui réclame une étude.",
            "latin-1",
        ),
        ("Les élus ont salué une œuvre faite avec cœur, qui coûtera 30 millions d'euros.", "iso-8859-15"),
        ("Die Stadtwerke München erhöhen die Preise für Fernwärme um zwölf Prozent, sagte er.", "cp1252"),
        ("Die Stadtwerke München erhöhen die Preise für Fernwärme um zwölf Prozent, sagte er.", "mac-roman"),
        ("El Ayuntamiento de Sevilla aprobó plantar once mil árboles. ¿Llegarán a tiempo?", "cp1252"),
        ("A câmara do Porto anunciou a reabertura da estação de São Bento após três semanas.", "cp1252"),
        ("Rada miasta Gdańska zdecydowała w środę o budowie nowej linii tramwajowej na Południe.", "cp1250"),
        (
            "Rada miasta Gdańska zdecydowała w środę o budowie nowej linii tramwajowej na Południe.",
            "iso-8859-2",
        ),
        (
            "Pražský magistrát ve čtvrtek schválil opravu mostu, řidiči si musí zvyknout na objížďky.",
            "cp1250",
        ),
        ("İzmir Büyükşehir Belediyesi körfezdeki kirliliği azaltmak için yeni bir tesis kuracak.", "cp1254"),
        ("Власти Новосибирска объявили о начале ремонта центральной библиотеки города.", "cp1251"),
        ("Власти Новосибирска объявили о начале ремонта центральной библиотеки города.", "koi8-r"),
        ("Ο δήμος Θεσσαλονίκης ανακοίνωσε ότι η παραλιακή λεωφόρος θα κλείσει για έργα.", "cp1253"),
        ("Lech Wałęsa and François Hollande met José Mourinho in Kraków on Friday.", "cp1250"),
        ("Zoë Ångström and Björn Ólafsson came to São Paulo with Renée Müller.", "cp1252"),
    ],
)
def test_names_and_other_languages_decode_exactly(text: str, charset: str) -> None:
    assert decode_document(text.encode(charset)).text == text


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("東京都は火曜日、新しい図書館の建設計画を発表した。完成は二年後の予定だ。", "shift_jis"),
        ("北京市政府周二宣布，将在明年春天开放一座新的城市公园。", "gbk"),
        ("台北市政府週二宣布，將在明年春天開放一座新的城市公園。", "big5"),
        ("서울시는 화요일 새로운 도서관 건설 계획을 발표했다.", "euc_kr"),
        ("עיריית חיפה הודיעה ביום שלישי על תוכנית לשיפוץ הנמל הישן.", "cp1255"),
        ("أعلنت بلدية الإسكندرية يوم الثلاثاء عن خطة لتجديد الكورنيش.", "cp1256"),
        ("Vilniaus savivaldybė antradienį paskelbė, kad bus atnaujintos gatvės ir šaligatviai.", "cp1257"),
        ("Київська міська рада у вівторок ухвалила рішення про ремонт бібліотеки.", "koi8_u"),
    ],
)
def test_other_scripts_decode_exactly(text: str, charset: str) -> None:
    assert decode_document(text.encode(charset)).text == text


def test_utf8_with_three_bad_bytes_keeps_utf8_and_reports_the_bytes() -> None:
    good = "The minister said the option was “not excluded” — and Europe’s leaders agreed. " * 4
    raw = good.encode("utf-8") + b"A \x93late\x94 change, \xa3200m more." + good.encode("utf-8")
    decoded = decode_document(raw)
    assert decoded.charset == "utf-8"
    assert decoded.text == good + "A “late” change, £200m more." + good
    assert [(fix.before, fix.after) for fix in decoded.fixes] == [
        ("b'\\x93'", "“"),
        ("b'\\x94'", "”"),
        ("b'\\xa3'", "£"),
    ]
    for fix in decoded.fixes:
        assert decoded.text[fix.offset : fix.offset + len(fix.after)] == fix.after


def test_a_cut_off_utf8_character_becomes_a_replacement_not_mojibake() -> None:
    good = "“Quoted” words — and more: Europe’s. " * 4
    decoded = decode_document(good.encode("utf-8") + b"end \xe2\x80 here")
    assert decoded.text == good + "end \ufffd here"
    assert decoded.fixes[0].before == "b'\\xe2\\x80'"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_text(codec: str) -> None:
    text = "Grüße aus Köln: der Rat stimmt zu. Власти объявили о ремонте. " * 5
    raw = text.encode(codec)
    assert sniff(raw) is ContentKind.TEXT
    assert decode_document(raw).text == text
    assert decode(raw)[0] == text


def test_a_utf16_page_is_a_page() -> None:
    page = "<html><head><title>Grüße</title></head><body><p>Hallo Köln.</p></body></html>"
    assert sniff(page.encode("utf-16")) is ContentKind.HTML
    assert sniff(page.encode("utf-16-le")) is ContentKind.HTML


def test_a_utf16_page_keeps_its_title(tmp_path: Path) -> None:
    import storyline

    paragraphs = "".join(
        f"<p>Der Rat der Stadt Köln hat am Dienstag dem Plan Nummer {n} für die Straßen zugestimmt, "
        "sagte die Sprecherin in einer langen Erklärung.</p>"
        for n in range(6)
    )
    page = (
        '<html><head><meta charset="utf-16"><title>Grüße aus Köln: Rat stimmt zu</title></head>'
        f"<body><article><h1>Grüße aus Köln: Rat stimmt zu</h1>{paragraphs}</article></body></html>"
    )
    (tmp_path / "bom.html").write_bytes(page.encode("utf-16"))
    (tmp_path / "nobom.html").write_bytes(page.encode("utf-16-be"))
    report = storyline.ingest([tmp_path / "bom.html", tmp_path / "nobom.html"], db=tmp_path / "t.db")
    assert len(report.ingested) == 2 and not report.skipped
    for stored in storyline.articles(db=tmp_path / "t.db"):
        assert stored.article.title == "Grüße aus Köln: Rat stimmt zu"
        assert stored.article.text.startswith("Der Rat der Stadt Köln")


def test_nul_bytes_after_the_first_8kb_are_removed_and_counted() -> None:
    text = "A line of news text that goes on for a while.\n" * 200
    raw = text.encode("utf-8") + b"more\x00 text\x00\x01 here.\n"
    assert sniff(raw) is ContentKind.TEXT
    decoded = decode_document(raw)
    assert decoded.text == text + "more text here.\n"
    assert decoded.controls_removed == 3


def test_a_binary_file_is_still_refused() -> None:
    blob = bytes(range(256)) * 64
    with pytest.raises(BinaryInput):
        sniff(blob)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(BinaryInput):
        sniff(png)


def test_a_declared_charset_still_wins_when_it_decodes() -> None:
    page = '<html><head><meta charset="koi8-r"></head><body><p>Привет, мир.</p></body></html>'
    text, charset = decode(page.encode("koi8-r"))
    assert charset == "koi8-r" and "Привет" in text


def test_a_windows_1252_text_file_ingests_exactly(tmp_path: Path) -> None:
    import storyline

    title = "Greece’s lenders release £625m"
    body = (
        "ATHENS — Greece’s lenders agreed on Tuesday to release £625m of the next tranche of aid, officials said.\r\n\r\n"
        "“This is not excluded,” one official told reporters, adding that Europe’s patience was wearing thin.\r\n\r\n"
        "The deal – worth about €1.2bn in all – still needs the approval of three national parliaments before May.\r\n"
    )
    (tmp_path / "greece.txt").write_bytes(f"{title}\r\n\r\n{body}".encode("cp1252"))
    report = storyline.ingest([tmp_path / "greece.txt"], db=tmp_path / "t.db")
    assert len(report.ingested) == 1
    article = storyline.articles(db=tmp_path / "t.db")[0].article
    assert article.title == title
    for phrase in (
        "ATHENS — Greece’s",
        "£625m",
        "“This is not excluded,”",
        "Europe’s",
        "– worth about €1.2bn",
    ):
        assert phrase in article.text


def test_decoding_fixes_map_into_the_article_text() -> None:
    good = "The minister said the option was “not excluded” — and Europe’s leaders agreed.\n" * 4
    raw = good.encode("utf-8") + b"  A \x93late\x94 change.\x00\n" + good.encode("utf-8")
    decoded = decode_document(raw)
    article_text = "Headline\n\n" + decoded.text.replace("\n  ", "\n").replace("\n", "\n\n")
    repairs = decoding_repairs(decoded, article_text)
    assert [(r.kind, r.before, r.after) for r in repairs] == [
        ("decode:utf-8", "b'\\x93'", "“"),
        ("decode:utf-8", "b'\\x94'", "”"),
        ("decode:controls", "1 control character", ""),
    ]
    for repair in repairs[:2]:
        assert article_text[repair.offset : repair.offset + 1] == repair.after
    assert article_text[repairs[0].offset - 2 : repairs[1].offset + 1] == "A “late”"


def test_ascii_in_utf16_is_read_as_utf16_not_as_utf8_with_nuls() -> None:
    text = "Plain ASCII news text in UTF-16, as some Windows tools save it.\r\n" * 3
    decoded = decode_document(text.encode("utf-16-le"))
    assert decoded.text == text and decoded.charset == "utf-16-le" and decoded.controls_removed == 0


def test_a_page_that_wrongly_declares_utf16_reads_as_utf8() -> None:
    page = '<html><head><meta charset="utf-16"></head><body><p>Grüße, “Köln”.</p></body></html>'
    assert decode_document(page.encode("utf-8")).text == page


def test_a_few_nul_bytes_early_or_a_nul_padded_tail_are_still_text() -> None:
    text = "A line of news text that goes on for a while.\n" * 20
    pasted = text.encode() + b"a stray\x00 NUL.\n" + text.encode()
    padded = text.encode() + b"\x00" * 4000
    for raw in (pasted, padded):
        assert sniff(raw) is ContentKind.TEXT
    assert decode_document(pasted).text == text + "a stray NUL.\n" + text
    assert decode_document(padded).text == text
    assert decode_document(padded).controls_removed == 4000
    with pytest.raises(BinaryInput):
        sniff(b"\x00" * 100)


def test_an_ingested_utf8_file_with_stray_bytes_records_them_as_repairs(tmp_path: Path) -> None:
    import storyline

    good = "The minister said the option was “not excluded” — and Europe’s leaders agreed on the port.\n\n"
    stray = b"A \x93late\x94 change added \xa3200m more to the bill, officials said on Friday.\n\n"
    (tmp_path / "port.txt").write_bytes(b"Port deal agreed\n\n" + good.encode() * 3 + stray + good.encode())
    report = storyline.ingest([tmp_path / "port.txt"], db=tmp_path / "t.db")
    assert len(report.ingested) == 1
    article = storyline.articles(db=tmp_path / "t.db")[0].article
    assert "A “late” change added £200m more" in article.text
    found = [(r.before, r.after) for r in article.repairs if r.kind == "decode:utf-8"]
    assert found == [("b'\\x93'", "“"), ("b'\\x94'", "”"), ("b'\\xa3'", "£")]
    for repair in article.repairs:
        if repair.kind == "decode:utf-8":
            assert article.text[repair.offset] == repair.after
