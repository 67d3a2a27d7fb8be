"""Who writes to a sandbox account, and what they write: the audience's names and texts.

These pools are data, kept apart from the simulation in ``sandbox_world``,
which picks from them with a seeded random generator. People write in
English, Latvian, Russian or Amharic (``lang`` "en", "lv", "ru", "am"), so
the practice inbox shows several scripts, diacritics and emoji; spam bots
have the language "spam". In a text, ``{handle}`` stands for the account's
handle. The simulation picks by position, so reordering or editing a pool
changes what an existing seed generates.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AUTHORS", "PEOPLE", "SPAMMERS", "TEXTS", "Author"]


@dataclass(frozen=True)
class Author:
    handle: str
    name: str
    lang: str  # "en", "lv", "ru", "am"; "spam" for bots

    @property
    def remote_id(self) -> str:
        return f"sbx:{self.handle}"


def _people(lang: str, pairs: str) -> list[Author]:
    return [
        Author(handle, name, lang)
        for handle, name in (line.split("=", 1) for line in pairs.strip().splitlines())
    ]


PEOPLE: list[Author] = [
    *_people(
        "en",
        """anna.schmidt=Anna Schmidt
marco_rossi=Marco Rossi
sofia.lindqvist=Sofia Lindqvist
jim.oconnor=James O'Connor
lucia_fdz=Lucía Fernández
tomasz.nowak=Tomasz Nowak
emma_dubois=Emma Dubois
kwame.mensah=Kwame Mensah
aisha_bello=Aisha Bello
lukas.weber=Lukas Weber""",
    ),
    *_people(
        "lv",
        """janis.berzins=Jānis Bērziņš
liga_ozolina=Līga Ozoliņa
karlis.kalnins=Kārlis Kalniņš
ilze.liepina=Ilze Liepiņa
edgars_zarins=Edgars Zariņš
dace.krumina=Dace Krūmiņa
martins.vitols=Mārtiņš Vītols
baiba_jansone=Baiba Jansone""",
    ),
    *_people(
        "ru",
        """olga_smirnova=Ольга Смирнова
dmitry.ivanov=Дмитрий Иванов
anna_petrova=Анна Петрова
sergey.kuznetsov=Сергей Кузнецов
natalia_volkova=Наталья Волкова
alexey.morozov=Алексей Морозов
irina_sokolova=Ирина Соколова
andriy.shevchenko=Андрій Шевченко""",
    ),
    *_people(
        "am",
        """selam_tesfaye=ሰላም ተስፋዬ
abebe_bekele=አበበ በቀለ
henok.tadesse=ሄኖክ ታደሰ
martha_gebre=ማርታ ገብሬ
yonas.alemu=ዮናስ አለሙ
bethlehem_h=ቤተልሔም ኃይሉ
dawit.mengistu=ዳዊት መንግስቱ
tigist_wolde=ትዕግስት ወልዴ""",
    ),
]
SPAMMERS: list[Author] = _people(
    "spam",
    """cryptoqueen_2024=Crypto Queen 💰
fast.followers=Fast Followers
easy_money_daily=Easy Money Daily
promo.boost.pro=Promo Boost PRO""",
)
AUTHORS = {a.remote_id: a for a in (*PEOPLE, *SPAMMERS)}

# category -> language -> texts; "{handle}" is the account's handle.
TEXTS: dict[str, dict[str, list[str]]] = {
    "question": {
        "en": [
            "How much is delivery to Riga?",
            "Do you ship to Addis Ababa?",
            "Is this available in a smaller size?",
            "What are your opening hours on Sunday?",
            "Can I pay by card on delivery?",
            "When will it be back in stock?",
        ],
        "lv": ["Cik maksā piegāde uz Jūrmalu?", "Vai jums ir arī bezglutēna variants?"],
        "ru": ["Сколько стоит доставка в Ригу?", "А есть другие цвета?"],
        "am": ["ወደ አዲስ አበባ ትልካላችሁ?", "ዋጋው ስንት ነው?"],
    },
    "complaint": {
        "en": [
            "My order arrived two weeks late and nobody answered my emails.",
            "The box was damaged when it arrived.",
            "I have been waiting for a refund since March.",
            "Your prices went up again?! Not happy.",
        ],
        "lv": ["Pasūtījums joprojām nav atnācis.", "Kvalitāte vairs nav tāda kā agrāk."],
        "ru": ["Заказ пришёл с опозданием на неделю.", "Никто не отвечает на звонки!"],
        "am": ["ትዕዛዜ እስካሁን አልደረሰም።"],
    },
    "praise": {
        "en": [
            "Love this! 😍",
            "Best coffee in town, hands down.",
            "Thank you for the quick delivery!",
            "Great idea, keep it up 👏🏽",
        ],
        "lv": ["Paldies, ļoti garšīgi!", "Super! 👍"],
        "ru": ["Спасибо, всё очень понравилось!", "Класс! 🔥"],
        "am": ["በጣም ጥሩ ነው! 👏", "እናመሰግናለን!"],
    },
    "spam": {
        "en": [
            "Earn $500 a day, DM me",
            "Get 10k followers for $5 👉 check my profile",
            "Crypto giveaway!!! Send 0.1 BTC, get 1 BTC back",
            "Заработок от 3000 ₽ в день, пиши в личку",
        ],
    },
    "other": {
        "en": ["We should go here this weekend", "First!", "Interesting 🤔", "Nice photo"],
        "lv": ["Redzēsimies sestdien!", "Interesanti."],
        "ru": ["Интересно 🤔", "Буду в субботу."],
        "am": ["እሺ", "ቅዳሜ እንገናኝ"],
    },
    "reply": {
        "en": ["Same question here!", "+1", "Agreed!", "Same problem for me."],
        "lv": ["Piekrītu!", "Man arī interesē."],
        "ru": ["Тоже интересно", "Поддерживаю"],
        "am": ["እኔም"],
    },
    "mention": {
        "en": [
            "Shout-out to @{handle} for the great service!",
            "Asked @{handle} about delivery yesterday, still waiting",
            "@{handle} you should see this",
        ],
        "lv": ["@{handle} iesaku visiem!"],
        "ru": ["@{handle} лучшие в городе"],
        "am": ["@{handle} እናመሰግናለን"],
    },
    "dm": {
        "en": [
            "Hi! Do you do wholesale orders?",
            "Hello, I'd like to collaborate with your brand.",
            "Can I change the delivery address of my order?",
        ],
        "lv": ["Sveiki! Vai varu pasūtīt ar piegādi uz Liepāju?"],
        "ru": ["Здравствуйте! Хотим заказать на корпоратив."],
        "am": ["ሰላም! ዋጋ ማወቅ እፈልጋለሁ።"],
    },
    # What an author adds when editing a comment (appended on a new line).
    "edit": {
        "en": [
            "Edit: fixed a typo.",
            "Edit: still no answer?",
            "Edit: never mind, found it on your site.",
        ],
        "lv": ["Labots: drukas kļūda."],
        "ru": ["UPD: исправил опечатку", "UPD: всё ещё жду ответа"],
        "am": ["ተስተካክሏል።"],
    },
    "follow_up": {
        "en": ["Thanks for the quick answer!", "Got it, thank you.", "OK, but when exactly?"],
        "lv": ["Paldies!"],
        "ru": ["Спасибо за ответ!"],
        "am": ["አመሰግናለሁ!"],
    },
}
