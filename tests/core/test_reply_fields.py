"""Saved replies with fields: filled, removed cleanly when empty, never str.format."""

from __future__ import annotations

import pytest

from smmdesk.core.reply_fields import FIELDS, FilledReply, field_values, fill

ANNA = field_values("Anna Bērziņa", "anna_b", "Kafija Rīga", "@kafija.riga")


def test_fields_are_filled():
    result = fill("Hi {first_name}, thanks for writing to {client}! — {account}", ANNA)
    assert result == FilledReply(
        "Hi Anna, thanks for writing to Kafija Rīga! — @kafija.riga", (), ()
    )


def test_every_field_has_a_value_for_a_full_author():
    assert set(ANNA) == set(FIELDS)
    assert ANNA == {
        "name": "Anna Bērziņa",
        "first_name": "Anna",
        "client": "Kafija Rīga",
        "handle": "@anna_b",
        "account": "@kafija.riga",
    }


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("Hi {name},", "Hi,"),
        ("Hi {name}, thanks!", "Hi, thanks!"),
        ("Hi, {name}!", "Hi!"),
        ("Thank you, {name}.", "Thank you."),
        ("Hi, {name}, welcome", "Hi, welcome"),
        ("{first_name}, thanks for your message", "Thanks for your message"),
        ("{name}: we are on it", "We are on it"),
        ("Hello!\n{first_name}, see below", "Hello!\nSee below"),
        ("Thanks @{handle} for the photo", "Thanks for the photo"),
        ("Dear {name}", "Dear"),
        ("{name}", ""),
        ("Спасибо, {name}!", "Спасибо!"),
        ("{first_name}, спасибо за отзыв", "Спасибо за отзыв"),
    ],
)
def test_an_empty_field_is_removed_cleanly(template: str, text: str):
    result = fill(template, {"client": "Kafija"})
    assert result.text == text
    assert result.missing and set(result.missing) <= {"name", "first_name", "handle"}


def test_missing_lists_each_field_once_in_order():
    result = fill("{first_name} {name}, {first_name}, {client}", {"client": "Kafija"})
    assert result.missing == ("first_name", "name")
    assert result.text.endswith("Kafija")


def test_unknown_fields_stay_as_typed_and_are_reported():
    result = fill("Hi {nmae}, see {link} and {nmae}", ANNA)
    assert result == FilledReply("Hi {nmae}, see {link} and {nmae}", (), ("nmae", "link"))


def test_double_braces_are_literal_braces():
    assert fill("Use {{name}} to greet {first_name}}}", ANNA).text == "Use {name} to greet Anna}"
    assert fill("{{{first_name}}}", ANNA).text == "{Anna}"


def test_field_names_forgive_case_and_spaces():
    assert fill("Hi { First_Name }!", ANNA).text == "Hi Anna!"


def test_no_python_formatting_reaches_the_template_or_the_values():
    hostile = {"name": "{client} {0.__class__}", "client": "X"}
    result = fill("{0.__class__.__mro__} {name} {}", hostile)
    assert result.text == "{0.__class__.__mro__} {client} {0.__class__} {}"
    assert result.unknown == ()  # "{0.__class__...}" is not a field name at all


def test_values_from_the_network_are_one_plain_line():
    values = field_values("Evil\u202e Name\nInjected\x00", "@x", "Client", "acc")
    assert values["name"] == "Evil Name Injected"
    assert fill("Hi {name}!", values).text == "Hi Evil Name Injected!"


def test_handle_keeps_one_at():
    assert fill("@{handle}", field_values("", "@anna", "", "")).text == "@anna"
    assert fill("{handle}", field_values("", "anna", "", "")).text == "@anna"
    assert field_values("", "  ", "", "")["handle"] == ""


@pytest.mark.parametrize(
    ("name", "handle", "first"),
    [
        ("Anna Bērziņa", "anna_b", "Anna"),
        ("Анна Иванова", "anna", "Анна"),
        ("Anne-Marie O'Neil", "am", "Anne-Marie"),
        ("ሰላም ተስፋዬ", "selam", "ሰላም"),
        ("@anna_b", "anna_b", ""),
        ("anna_b", "anna_b", ""),
        ("annab", "annab", ""),  # the network shows the handle as the name
        ("anna.k 🌸", "annak", ""),
        ("coffee_lover99", "x", ""),
        ("🌸🌸", "x", ""),
        ("", "anna", ""),
        ("“Anna” Smith", "x", "Anna"),
    ],
)
def test_first_name_is_a_real_first_name_or_nothing(name: str, handle: str, first: str):
    assert field_values(name, handle, "", "")["first_name"] == first
