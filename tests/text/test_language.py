"""Language detection: offline, ISO 639-1, the default language for text that cannot tell."""

import subprocess
import sys

import pytest

from factcheck.text.language import detect_language, normalise_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The mayor said the city cut its budget by ten percent last year.", "en"),
        ("Лукашенко заявил, что выборы в Беларуси были честными.", "ru"),
        ("El alcalde dijo que la ciudad redujo su presupuesto el año pasado.", "es"),
        ("Der Bürgermeister sagte, die Stadt habe ihr Budget im letzten Jahr gekürzt.", "de"),
        ("قال رئيس البلدية إن المدينة خفضت ميزانيتها العام الماضي.", "ar"),
    ],
)
def test_the_language_of_a_sentence_is_detected(text, code):
    assert detect_language(text) == code


def test_text_too_short_to_tell_is_in_the_default_language():
    assert detect_language("Biden 2020", default="en") == "en"
    assert detect_language("Biden 2020", default="de") == "de"
    assert detect_language("   ") == "en"


def test_language_tags_become_iso_639_1_codes():
    assert normalise_code("en-US") == "en"
    assert normalise_code("RU") == "ru"
    assert normalise_code("arz") == "ar"  # Egyptian Arabic is Arabic
    assert normalise_code("") is None
    with pytest.raises(ValueError, match="not a language code"):
        normalise_code("english!")


@pytest.mark.slow  # a fresh Python process
def test_detection_never_opens_a_network_connection(tmp_path):
    """The library's default model downloads; ours is the packaged one, with sockets cut off."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise RuntimeError('network access attempted')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from factcheck.text.language import detect_language\n"
        "print(detect_language('Лукашенко заявил, что выборы были честными.'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"FTLANG_CACHE": str(tmp_path / "empty"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ru"
    assert not (tmp_path / "empty").exists()  # nothing was cached, so nothing fetched
