"""Triage: real comments in English, Russian, Latvian and Amharic, and hostile text."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmdesk.core import triage
from smmdesk.core.triage import (
    CATEGORIES,
    Classification,
    Classifier,
    detect_language,
    effective_rules,
    parse_patterns,
    rules_from_json,
    rules_to_json,
)
from smmdesk.core.triage_defaults import DEFAULT_RULES
from smmdesk.core.vocabulary import InboxCategory

DEFAULT = Classifier()

CASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "question": [
            "Hi, how much is the large box?",
            "Do you deliver to Jelgava",
            "What time do you open on Saturday?",
            "Is the blue one still available",
        ],
        "complaint": [
            "My order never arrived and nobody answers my emails.",
            "The zipper broke after two days, I want a refund",
            "Terrible service, I waited an hour for a cold coffee.",
            "Thanks, but where is my refund?",  # a complaint beats praise and a question
        ],
        "praise": [
            "Thank you so much, the cake was delicious!",
            "Great job on the new menu 👏",
            "Absolutely love this shop",
            "Best coffee in town ❤️",
        ],
        "spam": [
            "Earn $500 a day working from home, check my profile",
            "Join our trading group t.me/+Ab12Cd34 for free signals",
            "I made $3000 per day with bitcoin",
            "Cheap deals: https://a.example/1 https://b.example/2 and www.c.example",
        ],
        "other": ["See you tomorrow", "ok", "@anna look at this", "no problem"],
    },
    "ru": {
        "question": [
            "Сколько стоит доставка в Ригу?",
            "Подскажите, есть ли размер M",
            "Во сколько вы открываетесь в субботу",
            "Почём торт на заказ",
        ],
        "complaint": [
            "Заказ до сих пор не пришёл, никто не отвечает!",
            "Товар бракованный, верните деньги.",
            "Ужасное обслуживание, больше никогда к вам не приду.",
            "Мне не понравилось, кофе холодный",
        ],
        "praise": [
            "Спасибо большое, всё очень вкусно!",
            "Вы молодцы, отличный сервис",
            "Обожаю ваши пирожные ❤️",
            "Рекомендую всем друзьям",
        ],
        "spam": [
            "Заработок от 5000 рублей в день без вложений, пиши в лс",
            "Криптовалюта растёт, подписывайтесь на мой канал",
            "Переходите по ссылке t.me/bestmoney",
            "Накрутка подписчиков недорого",
        ],
        "other": ["Привет всем", "Увидимся завтра", "Сегодня идёт снег"],
    },
    "lv": {
        "question": [
            "Cik maksā piegāde uz Liepāju?",
            "Labdien, vai jums ir bezglutēna maize",
            "Kad būs atvērts veikals Rīgā",
            "Kāda cena lielajai kūkai",
            "Labdien, cik maksa piegade",  # typed without diacritics
        ],
        "complaint": [
            "Prece nestrādā, gribu atmaksu.",
            "Pasūtījums joprojām nav pienācis, neviens neatbild!",
            "Briesmīga apkalpošana, nekad vairs.",
            "Esmu ļoti vīlusies par kvalitāti",
            "Iesniedzu sūdzību jau vakar",
        ],
        "praise": [
            "Paldies, viss bija lieliski!",
            "Ļoti garšīgi, iesaku visiem!",
            "Forši, jūs esat izcili",
            "Paldies par ātru piegādi",
        ],
        "spam": [
            "Nopelni 100 eiro dienā, raksti privāti",
            "Kriptovalūta ir nākotne, spied uz saites",
            "Darbs no mājām, pasīvie ienākumi katru dienu",
            "Ātrie kredīti bez pārbaudes",
        ],
        "other": ["Labrīt, Rīga!", "Šodien līst lietus", "Tiksimies rīt"],
    },
    "am": {
        "question": [
            "ዋጋው ስንት ነው?",  # how much is the price?
            "የአዲስ አበባ ቅርንጫፍ የት ነው",  # where is the Addis Ababa branch
            "መቼ ትከፍታላችሁ፧",  # when do you open? (Ethiopic question mark)
            "ወደ ባህር ዳር ማድረስ ይቻላል ወይ",  # can you deliver to Bahir Dar
        ],
        "complaint": [
            "እቃው አይሰራም፣ ገንዘቤን መልሱ",  # the item does not work, give my money back
            "ትዕዛዜ እስካሁን አልደረሰኝም",  # my order has not reached me yet
            "አገልግሎታችሁ በጣም መጥፎ ነው",  # your service is very bad
            "ስልኩ ተበላሽቷል",  # the phone is broken
        ],
        "praise": [
            "በጣም አመሰግናለሁ! ግሩም ነው",  # thank you very much! it is great
            "ቆንጆ ስራ ነው፣ ጎበዝ",  # beautiful work, well done
            "ምርጥ አገልግሎት ነው ተባረኩ",  # excellent service, be blessed
            "እናመሰግናለን ❤️",  # we thank you
        ],
        "spam": [
            "በቀን 1000 ብር ያግኙ",  # earn 1000 birr a day
            "ቻናላችንን ይቀላቀሉ t.me/ethiomoney",  # join our channel
            "ክሪፕቶ ኢንቨስት በማድረግ ብር ይስሩ",  # make birr by investing in crypto
            "ሎተሪ አሸናፊ ሆነዋል ሊንኩን ይጫኑ",  # you won the lottery, click the link
        ],
        "other": ["ሰላም ለሁላችሁ", "ችግር የለም"],  # hello everyone; no problem
    },
}


def _cases() -> list[tuple[str, str, str]]:
    return [
        (lang, category, text)
        for lang, categories in CASES.items()
        for category, texts in categories.items()
        for text in texts
    ]


@pytest.mark.parametrize(("lang", "category", "text"), _cases())
def test_default_rules_per_language(lang: str, category: str, text: str):
    result = DEFAULT.classify(text)
    assert result.category == category, result
    assert result.language == lang
    assert bool(result.matched) == (category != "other")


def test_the_deciding_pattern_is_reported():
    assert DEFAULT.classify("Cik maksā piegāde?") == Classification("question", "lv", "cik maksā")
    assert DEFAULT.classify("ВЕРНИТЕ ДЕНЬГИ") == Classification("complaint", "ru", "верните деньги")
    assert DEFAULT.classify("Thanks a lot").matched == "thank*"


def test_categories_are_the_vocabulary_values():
    assert set(CATEGORIES) | {"other"} == {c.value for c in InboxCategory} - {"unsorted"}
    assert set(DEFAULT_RULES) == {"en", "ru", "lv", "am"}
    for categories in DEFAULT_RULES.values():
        assert set(categories) == set(CATEGORIES)


def test_every_shipped_pattern_is_valid():
    assert DEFAULT.problems == ()
    for lang, categories in DEFAULT_RULES.items():
        for category, patterns in categories.items():
            valid, problems = parse_patterns("\n".join(patterns))
            assert problems == [], (lang, category)
            assert len(valid) == len(set(p.lower() for p in patterns))


def test_question_marks_of_every_kind():
    assert DEFAULT.classify("Ok？").category == "question"
    assert DEFAULT.classify("ሰላም፧").category == "question"
    # a link's query string is not a question
    assert DEFAULT.classify("https://shop.example/item?utm_source=x").category == "other"


def test_english_rules_apply_to_mixed_language_text():
    result = DEFAULT.classify("Очень хороший магазин, thank you")
    assert (result.category, result.language) == ("praise", "ru")


# --- language detection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello, how are you", "en"),
        ("Привет, как дела", "ru"),
        ("Добрий день", "ru"),  # Ukrainian uses the Russian rules
        ("ሰላም እንዴት ናችሁ", "am"),
        ("Sveiki, kā jums iet?", "lv"),
        ("Labdien, cik maksa?", "lv"),  # no diacritics, Latvian words
        ("Paldies, Наташа!", "lv"),  # a Russian name in a Latvian sentence
        ("Спасибо огромное, super", "ru"),
        ("", "en"),
        ("12345 !!!", "en"),
    ],
)
def test_detect_language(text: str, lang: str):
    assert detect_language(text) == lang


def test_detect_language_is_fast():
    texts = ["Hello there, how are you today?", "Привет, как дела?", "ሰላም እንዴት ናችሁ", "Cik maksā?"]
    started = time.perf_counter()
    for _ in range(2_500):
        for text in texts:
            detect_language(text)
    assert (time.perf_counter() - started) / 10_000 < 50e-6  # measured ~1-2 µs


# --- hostile input ------------------------------------------------------------------------


def test_a_megabyte_is_read_only_in_part_and_quickly():
    huge = "blah " * 200_000 + "refund"
    started = time.perf_counter()
    result = DEFAULT.classify(huge)
    assert time.perf_counter() - started < 0.05
    assert result.category == "other"  # the word lies beyond the part that is read
    assert DEFAULT.classify("refund " + "x" * 1_000_000).category == "complaint"


def test_invisible_and_control_characters_cannot_hide_a_word():
    assert DEFAULT.classify("ref\u200bund please").category == "complaint"
    assert DEFAULT.classify("\u202eThanks\u202c a lot\u200f").category == "praise"
    assert DEFAULT.classify("ｆｒｅｅ ｆｏｌｌｏｗｅｒｓ here").category == "spam"
    assert DEFAULT.classify("спа\u00adсибо").category == "praise"
    # control characters separate words rather than join them
    assert DEFAULT.classify("still\x00waiting").category == "complaint"


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\x1b[31m",
        "\u202e\u202d\u2066\u2069" * 1000,
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "\ud800 lone surrogates \udfff",
        "𝕱𝖗𝖊𝖊 " * 2000,
        "?" * 10_000,
        "http://" * 5_000,
        "5 " * 20_000,
        "a" * 5_000 + "!",
        "",
    ],
)
def test_hostile_text_never_raises(text: str):
    result = DEFAULT.classify(text)
    assert result.category in (*CATEGORIES, "other")


def test_html_is_read_as_words():
    assert DEFAULT.classify("<p>Thank you!</p>").category == "praise"
    assert DEFAULT.classify("<b>Сколько стоит</b>").category == "question"


def test_not_a_string_is_other():
    assert DEFAULT.classify(None).category == "other"  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_category(text: str):
    result = DEFAULT.classify(text)
    assert result.category in (*CATEGORIES, "other")
    assert result.language in ("en", "ru", "lv", "am")
    assert (result.matched == "") == (result.category == "other")


def test_classify_is_fast():
    texts = [text for _lang, _category, text in _cases()]
    DEFAULT.classify(texts[0])
    started = time.perf_counter()
    rounds = 50
    for _ in range(rounds):
        for text in texts:
            DEFAULT.classify(text)
    per_call = (time.perf_counter() - started) / (rounds * len(texts))
    assert per_call < 100e-6  # measured ~10-25 µs


# --- a client's own rules ----------------------------------------------------------------


def test_client_rules_replace_only_the_languages_they_name():
    rules = {"en": {"praise": ["brilliant"], "spam": ["/buy\\s+now/"]}}
    mine = Classifier(rules)
    assert mine.classify("Thanks a lot").category == "other"  # English defaults are gone
    assert mine.classify("Brilliant!").category == "praise"
    assert mine.classify("BUY   NOW cheap").category == "spam"
    assert mine.classify("Спасибо!").category == "praise"  # Russian keeps the defaults
    assert effective_rules(rules)["ru"] == DEFAULT_RULES["ru"]
    assert effective_rules(rules)["en"] == {"praise": ("brilliant",), "spam": ("/buy\\s+now/",)}


def test_client_rules_with_a_bad_pattern_are_reported_not_fatal():
    mine = Classifier({"lv": {"question": ["/[a-/", "cik", "*"]}})
    assert mine.classify("cik").category == "question"
    assert len(mine.problems) == 2
    assert "Latvian, question: “/[a-/” is not a valid pattern" in mine.problems[0]


def test_client_rule_syntax():
    mine = Classifier(
        {
            "en": {
                "complaint": ["broke*", "money back", "#fail"],
                "praise": ["🎉", "5/5"],
                "question": ["/\\bETA\\b/"],
            }
        }
    )
    assert mine.classify("It BROKEN down").category == "complaint"  # stem, any case
    assert mine.classify("it broke").category == "complaint"
    assert mine.classify("give me my money   back").category == "complaint"
    assert mine.classify("money backing").category == "other"  # whole words only
    assert mine.classify("total #fail").category == "complaint"
    assert mine.classify("#failure").category == "other"
    assert mine.classify("party 🎉🎉").category == "praise"
    assert mine.classify("rated 5/5").category == "praise"
    assert mine.classify("rated 15/50").category == "other"
    assert mine.classify("eta please").category == "question"
    assert mine.classify("beta please").category == "other"


def test_a_runaway_regular_expression_is_given_up():
    mine = Classifier({"en": {"spam": ["/(a|aa)+$/"], "praise": ["thanks"]}})
    text = "a" * 60 + "b thanks"
    started = time.perf_counter()
    for _ in range(triage.MAX_TIMEOUTS + 3):
        assert mine.classify(text).category == "praise"
    # each of the first few texts waits for the timeout, then the pattern is dropped
    assert time.perf_counter() - started < (triage.MAX_TIMEOUTS + 1) * triage.REGEX_TIMEOUT + 0.5


# --- the editor's pattern parser -------------------------------------------------------------


def test_parse_patterns():
    text = "refund*\n\n  money back  \n/[a-/\n*\nx*\nREFUND*\nwo*rd\n/a?/\n❤\n/t\\.me\\//\n"
    patterns, problems = parse_patterns(text)
    assert patterns == ["refund*", "money back", "❤", "/t\\.me\\//"]
    assert problems == [
        "line 4: “/[a-/” is not a valid pattern (unterminated character set at position 3).",
        "line 5: “*” is not a valid pattern (a * needs letters before it).",
        "line 6: “x*” is not a valid pattern (give at least two letters before a *).",
        "line 8: “wo*rd” is not a valid pattern (a * goes at the end of a word).",
        "line 9: “/a?/” is not a valid pattern "
        "(it matches an empty text, so it would match every message).",
    ]


def test_parse_patterns_refuses_overlong_lines():
    patterns, problems = parse_patterns("a" * 400)
    assert patterns == []
    assert problems and "longer than" in problems[0]


def test_pattern_help_names_the_syntax():
    assert "*" in triage.PATTERN_HELP
    assert "/" in triage.PATTERN_HELP


# --- storage -------------------------------------------------------------------------------


def test_rules_round_trip_through_json():
    rules = {"ru": {"spam": ("крипт*",), "praise": ("спасибо", "/круто+/")}}
    text = rules_to_json(rules)
    assert "крипт*" in text  # readable in the database
    assert rules_from_json(text) == rules


@pytest.mark.parametrize(
    "text",
    ["", "   ", "{", "[]", "null", "42", '"en"', '{"en": "x"}', '{"xx": {"spam": ["a"]}}'],
)
def test_unreadable_rules_are_empty(text: str):
    assert rules_from_json(text) == {}


def test_rules_of_the_wrong_shape_keep_what_is_usable():
    text = '{"en": {"spam": [1, null, " ok ", ""], "weird": ["x"], "praise": "nice"}, "lv": []}'
    assert rules_from_json(text) == {"en": {"spam": ("ok",)}}
