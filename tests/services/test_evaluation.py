"""Reading CheckThat!-style transcripts: each debate sentence gets the lines before it."""

from datetime import date
from pathlib import Path

import pytest

from factcheck.matching.rerank import QueryMeta
from factcheck.services.evaluation import parse_date, query_metadata, transcript_file, with_context


def write(folder: Path, name: str, lines: list[str]) -> None:
    folder.joinpath(name).write_text(
        "".join(f"{i:04d}\tSPEAKER\t{line}\n" for i, line in enumerate(lines, start=1)), "utf-8"
    )


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
    write(
        tmp_path,
        "20160926_first_debate.tsv",
        ["Let us talk about jobs.", "The senator voted for it.", "He did it twice."],
    )
    context = with_context(
        {"20160926_1pres_3": "He did it twice.", "20990101_none_1": "Alone."}, tmp_path
    )
    assert context == {
        "20160926_1pres_3": "Let us talk about jobs. The senator voted for it. He did it twice.",
        "20990101_none_1": "Alone.",
    }


def test_dates_are_read_from_politifact_and_snopes_fields():
    assert parse_date("stated on October 22, 2019 in a campaign mailer.:") == date(2019, 10, 22)
    assert parse_date("26 May 2015") == date(2015, 5, 26)
    assert parse_date("stated on February 30, 2019 in a speech") is None  # no such day
    assert parse_date("29 February  2012") == date(2012, 2, 29)  # spaces doubled in the data
    assert parse_date("") is None and parse_date(None) is None


def test_query_metadata_takes_the_speaker_and_debate_date_or_the_tweet_date(tmp_path):
    write(tmp_path, "20160926_first_debate.tsv", ["Let us talk about jobs.", "He did it twice."])
    debate = query_metadata(
        {"20160926_1pres_2": "He did it twice.", "20990101_x_1": "Alone."}, tmp_path
    )
    assert debate["20160926_1pres_2"] == QueryMeta(claimant="SPEAKER", date=date(2016, 9, 26))
    assert debate["20990101_x_1"] == QueryMeta(claimant=None, date=date(2099, 1, 1))
    tweets = query_metadata(
        {
            "t1": "Bats are blind — Jane Doe (@jane) January 6, 2020",
            "t2": "Bats are blind pic.twitter.com/abc",
        }
    )
    assert tweets == {"t1": QueryMeta(date=date(2020, 1, 6)), "t2": QueryMeta()}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("20160926_1pres_3", date(2016, 9, 26)),
        ("2019_oct_03_221", date(2019, 10, 3)),
        ("2019_October_3", date(2019, 10, 3)),
        ("2019-Sept-12_democratic_debate", date(2019, 9, 12)),
        ("oct_03_2019_221", date(2019, 10, 3)),
        ("democratic_debate_12_sep_2019", date(2019, 9, 12)),
        ("2016-09-26_first_debate_4", date(2016, 9, 26)),
        ("2016_09_26_first_debate", date(2016, 9, 26)),
        ("debate.2016.9.26", date(2016, 9, 26)),
        ("Democratic debate, Houston, September 12, 2019", date(2019, 9, 12)),
        ("Presidential debate - 3 October 2019", date(2019, 10, 3)),
    ],
)
def test_a_date_is_read_in_every_common_spelling(name, expected):
    assert parse_date(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "tweet-sno-12",
        "debate_3",
        "20161399_x_1",
        "2019_feb_30_1",
        "123456789_1",
        "2019_octopus_03",
        "junk_2019",
        "5 percent in 2019",
        "",
    ],
)
def test_names_without_a_valid_date_give_none(name):
    assert parse_date(name) is None


def test_a_debate_date_comes_from_its_transcript_name_or_header_else_the_query_id(tmp_path):
    write(tmp_path, "2019_oct_03.tsv", ["Let us talk about jobs.", "He did it twice."])
    tmp_path.joinpath("dem_debate.tsv").write_text(
        "# Democratic debate, Houston, September 12, 2019\n"
        "line\tspeaker\ttext\n"
        "0001\tMODERATOR\tWelcome.\n"
        "0002\tSENATOR\tWe did it twice.\n",
        "utf-8",
    )
    metadata = query_metadata(
        {
            "2019_oct_03_2": "He did it twice.",
            "dem_debate_2": "We did it twice.",
            "2019_nov_20_7": "No transcript for this one.",
        },
        tmp_path,
    )
    assert metadata == {
        "2019_oct_03_2": QueryMeta(claimant="SPEAKER", date=date(2019, 10, 3)),
        "dem_debate_2": QueryMeta(claimant="SENATOR", date=date(2019, 9, 12)),
        "2019_nov_20_7": QueryMeta(claimant=None, date=date(2019, 11, 20)),
    }
    context = with_context({"dem_debate_2": "We did it twice."}, tmp_path)
    assert context == {"dem_debate_2": "Welcome. We did it twice."}


def test_a_misspelt_transcript_name_falls_back_on_the_same_date_in_any_spelling(tmp_path):
    write(tmp_path, "2019_oct_03.tsv", ["a"])
    write(tmp_path, "2019_oct_15.tsv", ["b"])
    files = sorted(tmp_path.glob("*.tsv"))
    assert transcript_file("2019_Oct_3_democrats", files).name == "2019_oct_03.tsv"
    assert transcript_file("20191015_dem", files).name == "2019_oct_15.tsv"
    assert transcript_file("2019_oct_04", files) is None  # same year, another day
