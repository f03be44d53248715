"""Reading CheckThat!-style transcripts: each debate sentence gets the lines before it."""

from pathlib import Path

from factcheck.services.evaluation import transcript_file, with_context


def write(folder: Path, name: str, lines: list[str]) -> None:
    folder.joinpath(name).write_text(
        "".join(f"{i:04d}\tSPEAKER\t{line}\n" for i, line in enumerate(lines, start=1)), "utf-8")


def test_a_transcript_is_found_despite_case_or_a_misspelt_name(tmp_path):
    write(tmp_path, "20160115_GOP_Charleston.tsv", ["a"])
    write(tmp_path, "20160926_first_debate.tsv", ["b"])
    write(tmp_path, "20170101_one.tsv", ["c"])
    write(tmp_path, "20170101_two.tsv", ["d"])
    files = sorted(tmp_path.glob("*.tsv"))
    assert transcript_file("20160115_gop_charleston", files).name == "20160115_GOP_Charleston.tsv"
    assert transcript_file("20160115_GOP_charlston", files).name == "20160115_GOP_Charleston.tsv"
    assert transcript_file("20160926_1pres", files).name == "20160926_first_debate.tsv"
    assert transcript_file("20170101_three", files) is None  # two of that date: ambiguous
    assert transcript_file("20990101_x", files) is None


def test_with_context_prefixes_the_two_lines_before(tmp_path):
    write(tmp_path, "20160926_first_debate.tsv",
          ["Let us talk about jobs.", "The senator voted for it.", "He did it twice."])
    context = with_context({"20160926_1pres_3": "He did it twice.",
                            "20990101_none_1": "Alone."}, tmp_path)
    assert context == {
        "20160926_1pres_3": "Let us talk about jobs. The senator voted for it. He did it twice.",
        "20990101_none_1": "Alone."}
