import codecs

import pytest

from factcheck.text import DecodeError, clean_html, clean_text, decode_bytes, markdown_to_text


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Plain café text.".encode(), "Plain café text."),
        (codecs.BOM_UTF8 + b"With BOM.", "With BOM."),
        ("UTF-16 text.".encode("utf-16"), "UTF-16 text."),
    ],
)
def test_decode_bytes_reads_utf8_and_utf16(data, expected):
    assert decode_bytes(data) == expected


def test_decode_bytes_rejects_binary_with_a_clear_message():
    with pytest.raises(DecodeError, match="binary file"):
        decode_bytes(b"%PDF-1.7\x00\x01\x02stream")


def test_decode_bytes_rejects_wrong_encoding_and_says_where():
    with pytest.raises(DecodeError, match=r"not valid UTF-8 text \(bad byte at position 3\)"):
        decode_bytes("Caf\u00e9 au lait".encode("latin-1"))


def test_clean_text_normalises_newlines_spaces_and_control_characters():
    raw = "Line one\r\nLine\u00a0\u00a0two\x07\r\n\r\n\r\n\r\nLast\tline  "
    assert clean_text(raw) == "Line one\nLine two\n\nLast line"


def test_clean_html_keeps_blocks_apart_and_drops_scripts_and_styles():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<script>alert('x')</script><h1>Headline</h1><p>First <b>bold</b> para.<br>Next line."
        "</p><ul><li>One.</li><li>Two.</li></ul><nav>Home | About</nav></body></html>"
    )
    assert clean_html(html) == "Headline\n\nFirst bold para.\nNext line.\n\nOne.\n\nTwo."


def test_markdown_to_text_strips_marks_and_keeps_raw_html_as_text():
    text = markdown_to_text(
        "# Title\n\nSome *emphasis* and a [link](https://x.org).\n\n- item <script>x()</script>\n"
    )
    assert text == "Title\n\nSome emphasis and a link.\n\nitem <script>x()</script>"


@pytest.mark.slow  # huge documents
def test_clean_html_is_linear_on_huge_and_deeply_nested_documents():
    nested = "<div>" * 20000 + "Deep text." + "</div>" * 20000
    assert clean_html(nested) == "Deep text."
    flat = "".join(f"<p>Paragraph {i}.</p><!-- note -->" for i in range(20000))
    text = clean_html(flat)
    assert text.startswith("Paragraph 0.\n\nParagraph 1.") and "note" not in text


def test_align_offsets_survives_decomposed_accents():
    from factcheck.text.clean import align_offsets

    raw = "Cafe\u0301  prices rose."
    clean = clean_text(raw)
    offsets = align_offsets(raw, clean)
    start = clean.index("prices")
    assert raw[offsets[start] : offsets[start + len("prices rose.")]] == "prices rose."
