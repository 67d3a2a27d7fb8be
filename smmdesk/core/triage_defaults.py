"""The classification rules the app ships with, per language and category.

Data, not code: ``language -> category -> patterns`` in the pattern syntax of
``core.triage`` (a word or phrase matches whole words, a trailing ``*`` any
ending, ``/.../`` is a regular expression). A client's own rules replace a
language's set in the rules editor; these are what a new client starts from.

Each non-English pattern carries a comment with its meaning, so that someone
who does not read the language can still review a false match. Priority is
decided by the classifier (spam > complaint > question > praise), so a list
may contain words that also appear in a higher category ("не понравилось"
sits in complaints, "понравил*" in praise: the complaint wins).
"""

from __future__ import annotations

#: Links and money offers look the same in every language.
_LINK_SPAM: tuple[str, ...] = (
    # Telegram / WhatsApp invites ("t.me/+AbC", "wa.me/371...", group invite links)
    r"/(?<![\w.])(?:t|telegram|wa)\.me\/\S/",
    r"/chat\.whatsapp\.com\/\S/",
    # three or more links in one comment
    r"/(?:(?:https?:\/\/|www\.)\S[\s\S]*?){2}(?:https?:\/\/|www\.)\S/",
    # income per day or hour: "$500 a day", "300€ per hour", "5000 руб в день", "100 eiro dienā"
    # (not per week or month: customers complain about what a subscription costs them);
    # "በቀን 1000 ብር" is in the Amharic list. No spaces inside the number, so a
    # hostile run of digits and spaces cannot make the search backtrack for long.
    r"/(?:[$€£₽]\s?\d[\d,.]*k?|\d[\d,.]*k?\s?(?:[$€£₽]|usdt?|eur\w*|eiro|dollars?|руб\w*|birr))"
    r"\s*(?:(?:per|a|an|each|\/|в|за|par)\s*)?"
    r"(?:day|hour|день|сутки|час|dienā|dienu|stundā|stundu)(?!\w)/",
)

#: A question mark not inside a word or a link's query ("?utm_source=...").
#: "？" is the full-width form, "፧" the Ethiopic question mark.
_QUESTION_MARK = r"/[?？፧](?!\w)/"

_EN: dict[str, tuple[str, ...]] = {
    "spam": (
        *_LINK_SPAM,
        r"/\b(?:earn|make|making|earning)\s+(?:up\s+to\s+)?[$€£]\s?\d/",
        "crypto*",
        "bitcoin*",
        "btc",
        "usdt",
        "forex",
        "binary option*",
        "investment opportunit*",
        "investment platform",
        "trading signal*",
        "guaranteed profit*",
        "double your money",
        "passive income",
        "work from home",
        "make money online",
        "earn money",
        "free followers",
        "buy followers",
        "cheap followers",
        "get followers",
        "promote your page",
        "promote your account",
        "check my profile",
        "check out my profile",
        "link in my bio",
        "whatsapp me",
        "claim your prize",
        "claim your reward",
        "you have been selected",
        "casino*",
        "betting tips",
        "onlyfans",
        "hot singles",
        "sugar daddy",
        "loan offer",
    ),
    "complaint": (
        "refund*",
        "money back",
        "not working",
        "doesn't work",
        "does not work",
        "didn't work",
        "stopped working",
        "broken",
        "damaged",
        "defective",
        "faulty",
        "never arrived",
        "hasn't arrived",
        "has not arrived",
        "never received",
        "still waiting",
        "still haven't",
        "no response",
        "no reply",
        "nobody answers",
        "no one answers",
        "ignoring me",
        "terrible",
        "awful",
        "horrible",
        "worst",
        "disgusting",
        "disappoint*",
        "unacceptable",
        "ridiculous",
        "rude",
        "complain*",
        "scam*",
        "fraud*",
        "rip off",
        "ripoff",
        "waste of money",
        "never again",
        "overcharg*",
        "charged twice",
        "poor quality",
        "bad quality",
        "bad service",
        "bad experience",
        "not happy",
        "unhappy",
        "not good",
        "not satisfied",
        "dissatisfied",
        "unsatisfied",
        "angry",
        "furious",
        "wrong order",
        "wrong item",
        "wrong size",
        "is missing",
        "misleading",
        "false advertising",
        "not as described",
        "problem with",
        "issue with",
        "don't recommend",
        "do not recommend",
        "wouldn't recommend",
        "would not recommend",
    ),
    "question": (
        _QUESTION_MARK,
        "price",
        "prices",
        "pricing",
        "how much",
        "how many",
        "how long",
        "how do i",
        "how can i",
        "how to",
        "where can i",
        "where is",
        "where do",
        "when will",
        "when do",
        "when does",
        "when is",
        "what time",
        "do you have",
        "do you ship",
        "do you deliver",
        "do you sell",
        "do you accept",
        "is it available",
        "still available",
        "in stock",
        "opening hours",
        "are you open",
        "can i",
        "can you",
        "could you",
        "is there",
        "are there",
        "any discount*",
        "shipping to",
        "deliver to",
        "wondering",
        "i wonder",
        "please tell",
        "let me know",
        "anyone know*",
        "would like to know",
        "want to know",
    ),
    "praise": (
        "thank*",
        "thx",
        "tysm",
        "great",
        "awesome",
        "amazing",
        "excellent",
        "love*",
        "loving",
        "perfect*",
        "best",
        "wonderful",
        "fantastic",
        "beautiful",
        "gorgeous",
        "delicious",
        "brilliant",
        "well done",
        "good job",
        "great job",
        "keep it up",
        "recommend*",
        "five stars",
        "5 stars",
        "nice",
        "cool",
        "bravo",
        "kudos",
        "congrat*",
        "impressive",
        "superb",
        "outstanding",
        "happy with",
        "satisfied",
        "helpful",
        "not bad",
        "so good",
        "very good",
        "❤",
        "😍",
        "🥰",
        "👍",
        "👏",
        "🔥",
        "⭐⭐⭐⭐⭐",
    ),
}

_RU: dict[str, tuple[str, ...]] = {
    # "ё" is read as "е" on both sides, so "еще" also finds "ещё".
    "spam": (
        *_LINK_SPAM,
        r"/заработ\w*\s+(?:от\s+)?\d/",  # "заработок от 5000" (earnings from 5000)
        "заработок в интернете",  # earning on the internet
        "заработок без вложений",  # earning without investment
        "без вложений",  # without investment
        "пассивный доход",  # passive income
        "доход от",  # income from (N a day)
        "крипт*",  # crypto, криптовалюта
        "биткоин*",  # bitcoin
        "инвестиц*",  # investment(s)
        "ставки на спорт",  # sports betting
        "казино",  # casino
        "работа на дому",  # work from home
        "удаленная работа",  # remote work (job offers)
        "переходи по ссылке",  # follow the link (informal)
        "переходите по ссылке",  # follow the link (polite)
        "пиши в лс",  # write to me in private messages
        "пишите в лс",  # write to me in private messages (polite)
        "подписывайтесь на",  # subscribe to (another channel)
        "подписывайся на",  # subscribe to (informal)
        "накрутк*",  # buying likes/followers (накрутка подписчиков)
        "раскрутк*",  # promotion of an account (раскрутка)
        "вы выиграли",  # you have won
        "знакомства",  # dating
        "интим",  # intimate (adult spam)
    ),
    "complaint": (
        "возврат*",  # refund, return (возврат денег)
        "верните деньги",  # give the money back
        "верните",  # give back
        "не работает",  # does not work
        "не работают",  # do not work
        "перестал* работать",  # stopped working
        "сломал*",  # broke (сломался, сломалась)
        "сломан*",  # broken
        "бракован*",  # defective (бракованный товар)
        "испорчен*",  # spoiled, damaged
        "просрочен*",  # expired, overdue
        "ужас*",  # horror, terrible (ужас, ужасно, ужасный)
        "кошмар*",  # nightmare
        "отврат*",  # disgusting (отвратительно)
        "худш*",  # the worst (худший, худшее)
        "плохо*",  # bad (плохо, плохой, плохое)
        "жалоб*",  # complaint (жалоба, жалобу)
        "пожаловаться",  # to complain
        "пожалуюсь",  # I will complain
        "обман*",  # deception, cheating (обман, обманули)
        "мошенни*",  # fraudsters, fraud (мошенники, мошенничество)
        "развод",  # scam (slang)
        "разочарован*",  # disappointed
        "недовол*",  # dissatisfied (недоволен, недовольна)
        "не доволен",  # not satisfied
        "не довольна",  # not satisfied (feminine)
        "не понравил*",  # did not like
        "не нравит*",  # do not like
        "не рекомендую",  # I do not recommend
        "не советую",  # I do not advise (it)
        "до сих пор не",  # still not (arrived, answered)
        "не пришел",  # has not arrived (masc.)
        "не пришла",  # has not arrived (fem.)
        "не пришло",  # has not arrived (neut.)
        "не доставили",  # was not delivered
        "никто не отвечает",  # nobody answers
        "не отвечаете",  # you do not answer
        "хамств*",  # rudeness
        "груб*",  # rude (грубый, грубо)
        "больше никогда",  # never again
        "списали дважды",  # charged twice
        "не соответствует",  # does not match (the description)
        "проблема с",  # a problem with
        "проблемы с",  # problems with
        "у меня проблема",  # I have a problem
    ),
    "question": (
        _QUESTION_MARK,
        "сколько стоит",  # how much does it cost
        "сколько стоят",  # how much do they cost
        "сколько",  # how much / how many
        "какая цена",  # what is the price
        "цена",  # price
        "цены",  # prices
        "почем",  # how much (colloquial "почём")
        "где купить",  # where to buy
        "где можно",  # where can one
        "как заказать",  # how to order
        "как купить",  # how to buy
        "как связаться",  # how to get in touch
        "когда будет",  # when will there be
        "когда откро*",  # when do you open (когда откроется, откроетесь)
        "есть ли",  # is there
        "в наличии",  # in stock
        "подскажите",  # please advise / tell me (the usual way to ask)
        "скажите пожалуйста",  # tell me, please
        "можно ли",  # is it possible
        "доставляете",  # do you deliver
        "интересует",  # I am interested in
        "хотел* бы узнать",  # I would like to know
        "как долго",  # how long
        "во сколько",  # at what time
        "режим работы",  # opening hours
        "работаете ли",  # are you open
    ),
    "praise": (
        "спасибо",  # thank you
        "благодар*",  # thanks (благодарю, благодарность)
        "отличн*",  # excellent (отлично, отличный)
        "супер",  # super
        "класс",  # great (colloquial)
        "классн*",  # cool (классно, классный)
        "круто",  # cool
        "крутой",  # cool (adjective)
        "молодцы",  # well done (plural)
        "молодец",  # well done
        "прекрасн*",  # wonderful
        "замечательн*",  # remarkable, wonderful
        "восхитительн*",  # delightful
        "великолепн*",  # magnificent
        "рекоменду*",  # I recommend
        "лучш*",  # the best (лучший, лучшие)
        "люблю",  # I love
        "обожаю",  # I adore
        "вкусн*",  # tasty, delicious
        "красив*",  # beautiful
        "шикарн*",  # gorgeous
        "понравил*",  # liked (понравилось)
        "нравится",  # I like it
        "доволен",  # satisfied (masc.)
        "довольна",  # satisfied (fem.)
        "неплохо",  # not bad
        "❤",
        "😍",
        "👍",
        "🔥",
    ),
}

_LV: dict[str, tuple[str, ...]] = {
    # People often type Latvian without diacritics, so most words appear twice.
    "spam": (
        *_LINK_SPAM,
        "nopelni*",  # earn (nopelnīt, nopelni)
        "darbs no mājām",  # work from home
        "darbs no majam",  # work from home (no diacritics)
        "pasīv* ienākum*",  # passive income
        "pasiv* ienakum*",  # passive income (no diacritics)
        "kripto*",  # crypto (kriptovalūta)
        "bitkoin*",  # bitcoin
        "investīcij*",  # investments
        "ātrs kredīts",  # quick loan
        "ātrie kredīti",  # quick loans
        "kazino",  # casino
        "bezmaksas sekotāj*",  # free followers
        "spied uz saites",  # click the link
        "raksti privāti",  # write to me privately
        "iepazīšanās",  # dating
        "tu esi laimējis",  # you have won
    ),
    "complaint": (
        "sūdzīb*",  # complaint (sūdzība, sūdzību)
        "sudzib*",  # complaint (no diacritics)
        "nestrādā",  # does not work
        "nestrada",  # does not work (no diacritics)
        "nedarbojas",  # does not function
        "salūz*",  # broke (salūza, salūzis)
        "saluz*",  # broke (no diacritics)
        "bojāt*",  # damaged (bojāts, bojāta)
        "bojat*",  # damaged (no diacritics)
        "atmaks*",  # refund (atmaksa, atmaksāt)
        "naudu atpakaļ",  # money back
        "naudu atpakal",  # money back (no diacritics)
        "atgrieziet naudu",  # return the money
        "briesmīg*",  # terrible (briesmīgs, briesmīgi)
        "briesmig*",  # terrible (no diacritics)
        "šausmīg*",  # awful (šausmīgi)
        "sausmig*",  # awful (no diacritics)
        "riebīg*",  # disgusting
        "vīlies",  # disappointed (masc.)
        "vīlusies",  # disappointed (fem.)
        "vilies",  # disappointed (no diacritics)
        "vilšanās",  # disappointment
        "krāpniek*",  # fraudsters (krāpnieki)
        "krapniek*",  # fraudsters (no diacritics)
        "krāpšan*",  # fraud (krāpšana)
        "neapmierināt*",  # dissatisfied
        "neapmierinat*",  # dissatisfied (no diacritics)
        "nav atbildes",  # no answer
        "neviens neatbild",  # nobody answers
        "joprojām nav",  # still not (arrived, answered)
        "joprojam nav",  # still not (no diacritics)
        "nav pienāc*",  # has not arrived (nav pienācis)
        "nav pienac*",  # has not arrived (no diacritics)
        "nekad vairs",  # never again
        "slikt*",  # bad (slikts, slikti, sliktākais)
        "rupj*",  # rude (rupjš, rupji)
        "nekvalitatīv*",  # poor quality
        "nekvalitativ*",  # poor quality (no diacritics)
        "problēma ar",  # a problem with
        "problema ar",  # a problem with (no diacritics)
        "nepatīk",  # do not like
        "nepatik",  # do not like (no diacritics)
        "neiesak*",  # I do not recommend (neiesaku)
    ),
    "question": (
        _QUESTION_MARK,
        "cik maksā",  # how much does it cost
        "cik maksa",  # how much does it cost (no diacritics)
        "cik izmaksā",  # how much does it cost
        "cik izmaksa",  # how much does it cost (no diacritics)
        "kāda cena",  # what is the price
        "kada cena",  # what is the price (no diacritics)
        "cena",  # price
        "cenas",  # prices
        "kur var",  # where can (one buy, find)
        "kur nopirkt",  # where to buy
        "kā pasūtīt",  # how to order
        "ka pasutit",  # how to order (no diacritics)
        "kad būs",  # when will (it) be
        "kad bus",  # when will (it) be (no diacritics)
        "vai ir",  # is there
        "vai var",  # can one / is it possible
        "vai jūs",  # do you
        "vai jums",  # do you (have), is there for you
        "vai jus",  # do you (no diacritics)
        "vai varat",  # can you
        "pieejam*",  # available (pieejams, pieejami)
        "darba laik*",  # opening hours (darba laiks)
        "pasakiet lūdzu",  # tell me, please
        "interesē",  # I am interested in
        "gribētu uzzināt",  # I would like to know
        "gribetu uzzinat",  # I would like to know (no diacritics)
        "kāpēc",  # why
        "kapec",  # why (no diacritics)
    ),
    "praise": (
        "paldies",  # thank you
        "pateicos",  # I thank (you)
        "pateicīb*",  # gratitude
        "lielisk*",  # great, excellent (lieliski, lielisks)
        "superīg*",  # super (superīgi)
        "super",  # super
        "forši",  # cool
        "forsi",  # cool (no diacritics)
        "foršs",  # cool (adjective)
        "fantastisk*",  # fantastic
        "izcil*",  # excellent (izcili, izcils)
        "brīnišķīg*",  # wonderful
        "briniskig*",  # wonderful (no diacritics)
        "skaist*",  # beautiful (skaisti, skaists)
        "garšīg*",  # tasty
        "garsig*",  # tasty (no diacritics)
        "iesak*",  # I recommend (iesaku)
        "patīk",  # I like (it)
        "patik",  # I like (it) (no diacritics)
        "ļoti labi",  # very good
        "loti labi",  # very good (no diacritics)
        "labākais",  # the best
        "labakais",  # the best (no diacritics)
        "apmierināt*",  # satisfied
        "malači",  # well done (colloquial)
        "malaci",  # well done (no diacritics)
        "❤",
        "😍",
        "👍",
        "🔥",
    ),
}

_AM: dict[str, tuple[str, ...]] = {
    # Amharic attaches prefixes (በ "by/for", የ "of", ለ "to", ከ "from") and
    # suffixes (-ው "the", -ን object) to words, hence the stems and the
    # optional-prefix regular expressions. "?" is used as often as "፧".
    "spam": (
        *_LINK_SPAM,
        "ብር ያግኙ",  # earn / get birr (money)
        "ብር ይስሩ",  # make birr (money)
        r"/በቀን\s*\d[\d,.]*\s*ብር/",  # "per day N birr"
        r"/\d[\d,.]*\s*ብር\s+(?:ያግኙ|ይስሩ|ያገኛሉ)/",  # "N birr: earn / you will earn"
        "ክሪፕቶ*",  # crypto
        "ቢትኮይን*",  # bitcoin
        "ኢንቨስት*",  # invest, investment
        "ቻናላችንን ይቀላቀሉ",  # join our channel
        "ይቀላቀሉ",  # join (polite imperative)
        "ሊንኩን ይጫኑ",  # click the link
        "ፎሎወር*",  # followers (transliterated)
        "ሎተሪ",  # lottery
        "አሸናፊ ሆነዋል",  # you have become a winner
    ),
    "complaint": (
        r"/ችግር(?!\s*የለም)\w*/",  # problem (ችግር), but not "ችግር የለም" (no problem)
        "አይሰራም",  # it does not work
        "አልሰራም",  # it did not work
        "አልደረሰኝም",  # I have not received it
        "አልደረሰም",  # it has not arrived
        "ተበላሽ*",  # got broken / spoiled (ተበላሽቷል)
        "የተበላሸ",  # broken, spoiled
        "ገንዘቤን መልሱ",  # give me back my money
        "ገንዘቤን",  # my money (as in "return my money")
        "ቅሬታ*",  # grievance, complaint
        "አጭበርባሪ*",  # fraudster(s)
        "ማጭበርበር",  # fraud
        "መጥፎ",  # bad
        "አስከፊ",  # terrible
        "ደካማ",  # weak, poor (quality, service)
        "ተበሳጭቻለሁ",  # I am upset
        "አዝኛለሁ",  # I am disappointed / saddened
        "ጥሩ አይደለም",  # it is not good
        "መልስ የለም",  # there is no answer
        "ማንም አይመልስም",  # nobody answers
    ),
    "question": (
        _QUESTION_MARK,
        r"/[በለየከ]?ዋጋ\w*/",  # price (ዋጋ, ዋጋው "its price", የዋጋ)
        r"/[በለየከ]?ስንት\w*/",  # how much / how many (ስንት, በስንት "for how much")
        "ምን ያህል",  # how much
        "የት",  # where
        "መቼ*",  # when
        "እንዴት*",  # how
        "ምንድን*",  # what (is it)
        "ወይ",  # question particle ("... ወይ?" = "... is it?")
        "አላችሁ*",  # do you (pl.) have
        "ይቻላል ወይ",  # is it possible
        "ለምን",  # why
        "ይገኛል",  # is it available (found)
    ),
    "praise": (
        "አመሰግና*",  # thank you (አመሰግናለሁ "I thank you", አመሰግናለን "we thank")
        "እናመሰግና*",  # we thank you (እናመሰግናለን)
        "ምስጋና*",  # thanks, gratitude
        "ግሩም",  # wonderful, great
        "በጣም ጥሩ",  # very good
        "ጥሩ",  # good
        "ጎበዝ",  # well done, clever
        "ድንቅ",  # marvellous
        "ቆንጆ",  # beautiful, nice
        "ምርጥ",  # the best, excellent
        "እወዳለሁ",  # I love (it)
        "ወድጄዋለሁ",  # I liked it
        "ተባረክ",  # be blessed (to a man; a common thank-you)
        "ተባረኪ",  # be blessed (to a woman)
        "ተባረኩ",  # be blessed (plural / polite)
        "❤",
        "😍",
        "👍",
        "🔥",
    ),
}

DEFAULT_RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": _EN,
    "ru": _RU,
    "lv": _LV,
    "am": _AM,
}
