"""The outbound address policy: public addresses only, unless a deployment allows a host."""

from __future__ import annotations

import pytest

from factcheck.outbound import OutboundPolicy, Refused, is_web_url

REFUSED = {
    "http://127.0.0.1/": "loopback",
    "http://127.1.2.3/": "loopback",
    "http://[::1]/": "loopback",
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://10.0.0.5/": "private",
    "http://172.16.4.4/": "private",
    "http://192.168.1.1/": "private",
    "http://169.254.169.254/latest/meta-data/": "cloud metadata",
    "http://100.100.100.200/latest/meta-data/": "cloud metadata",
    "http://[fd00:ec2::254]/latest/": "cloud metadata",
    "http://[fe80::1]/": "link-local",
    "http://169.254.1.1/": "link-local",
    "http://[fc00::1]/": "unique-local",
    "http://[fd12:3456::1]/": "unique-local",
    "http://0.0.0.0/": "unspecified",
    "http://[::]/": "unspecified",
    "http://224.0.0.1/": "multicast",
    "http://240.0.0.1/": "reserved",
    "http://100.64.0.1/": "non-public",
    "http://198.18.0.1/": "private",
    "http://[2002:7f00:1::]/": "loopback",
    "http://[64:ff9b::a00:1]/": "private",
    "http://metadata.google.internal/computeMetadata/v1/": "cloud metadata",
}


@pytest.mark.parametrize(("url", "kind"), REFUSED.items())
def test_non_public_addresses_are_refused_before_anything_is_sent(url, kind):
    with pytest.raises(Refused) as refused:
        OutboundPolicy().check_url(url)
    assert kind in refused.value.message


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "file:///etc/passwd",
        "http:///x",
        "http://user:secret@example.org/",
        "http://example.org:99999/",
    ],
)
def test_odd_urls_are_refused(url):
    with pytest.raises(Refused):
        OutboundPolicy().check_url(url)


def test_public_addresses_and_names_pass_the_check_without_dns():
    policy = OutboundPolicy()
    assert policy.check_url("https://93.184.215.14/") == "93.184.215.14"
    assert policy.check_url("https://[2606:4700::1111]/x") == "2606:4700::1111"
    assert policy.check_url("https://News.Example.org./a") == "news.example.org"


def test_a_name_is_judged_by_every_address_it_resolves_to():
    with pytest.raises(Refused) as refused:
        OutboundPolicy().resolve("localhost", 80)
    assert "localhost resolves to" in refused.value.message
    assert "loopback" in refused.value.message


def test_ipv4_and_ipv6_loopback_are_treated_alike():
    policy = OutboundPolicy()
    for address in ("127.0.0.1", "::1"):
        with pytest.raises(Refused):
            policy.check_address(address, address)
    allowed = OutboundPolicy.from_setting("127.0.0.0/8, ::1")
    for address in ("127.0.0.1", "::1"):
        allowed.check_address(address, address)


def test_the_allow_list_names_hosts_addresses_and_networks():
    policy = OutboundPolicy.from_setting(" hooks.newsroom.internal, 127.0.0.1,10.1.2.0/24,[::1] ,")
    policy.check_url("http://127.0.0.1:8080/feed")
    policy.check_url("http://[::1]:8080/feed")
    policy.check_url("http://10.1.2.77/")
    policy.check_url("http://hooks.newsroom.internal/x")
    policy.check_address("hooks.newsroom.internal", "10.9.9.9")  # the name is trusted
    policy.check_address("feeds.example", "127.0.0.1")  # so is the address
    for url in ("http://10.1.3.1/", "http://127.0.0.2/", "http://169.254.169.254/"):
        with pytest.raises(Refused):
            policy.check_url(url)
    assert OutboundPolicy.from_setting(["localhost"]).resolve("localhost", 80)


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://news.example/a?b=1#c", True),
        ("HTTP://News.Example", True),
        ("http://[2001:db8::1]:8080/x", True),
        ("ftp://news.example/a", False),
        ("javascript:alert(1)", False),
        ("https://news example/a", False),  # white space inside
        ("https:///path-without-host", False),
        ("http://:80/", False),
        ("http://news.example:99999/", False),  # a port out of range
        ("http://[2001:db8::1/", False),  # a broken IPv6 literal
        ("", False),
    ],
)
def test_one_rule_says_what_a_web_address_is(url, web):
    assert is_web_url(url) is web
