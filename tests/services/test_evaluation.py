"""Reading CheckThat!-style transcripts: each debate sentence gets the lines before it."""

from datetime import date
from pathlib import Path

from factcheck.matching.rerank import QueryMeta
from factcheck.services.evaluation import parse_date, query_metadata, transcript_file, with_context


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


def test_dates_are_read_from_politifact_and_snopes_fields():
    assert parse_date("stated on October 22, 2019 in a campaign mailer.:") == date(2019, 10, 22)
    assert parse_date("26 May 2015") == date(2015, 5, 26)
    assert parse_date("stated on February 30, 2019 in a speech") is None  # no such day
    assert parse_date("") is None and parse_date(None) is None


def test_query_metadata_takes_the_speaker_and_debate_date_or_the_tweet_date(tmp_path):
    write(tmp_path, "20160926_first_debate.tsv", ["Let us talk about jobs.", "He did it twice."])
    debate = query_metadata({"20160926_1pres_2": "He did it twice.", "20990101_x_1": "Alone."},
                            tmp_path)
    assert debate["20160926_1pres_2"] == QueryMeta(claimant="SPEAKER", date=date(2016, 9, 26))
    assert debate["20990101_x_1"] == QueryMeta(claimant=None, date=date(2099, 1, 1))
    tweets = query_metadata({
        "t1": "Bats are blind — Jane Doe (@jane) January 6, 2020",
        "t2": "Bats are blind pic.twitter.com/abc"})
    assert tweets == {"t1": QueryMeta(date=date(2020, 1, 6)), "t2": QueryMeta()}
