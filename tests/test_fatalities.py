"""Death counts in English and Arabic: numbers, vague stand-ins, injuries excluded."""

from __future__ import annotations

import pytest

from coder.fatalities import FatalityMention, find_fatalities, is_motive, lowest_credible, parse_number
from tests.conftest import SEEDS


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def deaths(text: str, language: str = "en") -> int:
    return lowest_credible(find_fatalities(text, language))


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("42", "en", 42),
        ("1,200", "en", 1200),
        ("٤٢", "ar", 42),
        ("forty-two", "en", 42),
        ("three", "en", 3),
        ("at least 42", "en", 42),
        ("17 to 19", "en", 17),
        ("between 17 and 19", "en", 17),
        ("dozens", "en", 12),
        ("several", "en", 10),
        ("hundreds", "en", 100),
        ("ثلاثة", "ar", 3),
        ("ستة", "ar", 6),
        ("إحدى عشرة", "ar", 11),
        ("خمسة وعشرون", "ar", 25),
        ("عشرين", "ar", 20),
        ("مائتين", "ar", 200),
        ("عشرات", "ar", 12),
        ("مئات", "ar", 100),
        ("أكثر من 650", "ar", 650),
        ("civilians", "en", None),
        ("مدنيين", "ar", None),
    ],
)
def test_parse_number(text: str, language: str, value: int | None) -> None:
    assert parse_number(text, language) == value


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Jets killed at least 42 civilians in the north.", 42),
        ("In the north, 42 civilians were killed by jets.", 42),
        ("Shells hit the market, killing two.", 2),
        ("A civilian was killed when a shell hit his car.", 1),
        ("Gunmen killed 3 and wounded 5 in the village.", 3),
        ("Five people were wounded and two were killed.", 2),
        ("17 to 19 people died in the blaze.", 17),
        ("Between 17 and 19 people were killed.", 17),
        ("Dozens killed as the shelling went on.", 12),
        ("Several people were killed in the raid.", 10),
        ("Many were killed in the attack.", 10),
        ("Hundreds of fighters died in the siege.", 100),
        ("There were no casualties.", 0),
        ("No deaths were reported.", 0),
        ("Rescuers recovered the bodies of 3 men.", 3),
        ("The death toll rose to 19.", 19),
        ("The strike killed forty-two people.", 42),
        ("In 2014 clashes killed 5 people.", 5),
        ("On 5 May 2020, gunmen killed two farmers.", 2),
        ("Ten people were wounded in the blast.", 0),
        ("42 people, including 10 children, were killed.", 42),
    ],
)
def test_english_deaths(sentence: str, count: int) -> None:
    assert deaths(sentence) == count


def test_vague_flag_and_span() -> None:
    (mention,) = find_fatalities("Officials said dozens of people were killed overnight.", "en")
    assert mention == FatalityMention(15, 43, "dozens of people were killed", 12, True)
    (exact,) = find_fatalities("Jets killed at least 42 civilians.", "en")
    assert (exact.text, exact.count, exact.vague) == ("killed at least 42", 42, False)


def test_killed_or_wounded_is_not_a_death_count() -> None:
    # none of the ten need have died: the lowest credible figure is 0 (codebook section 6)
    (mention,) = find_fatalities("10 people were killed or wounded.", "en")
    assert (mention.count, mention.vague) == (0, False)
    # "killed and wounded": at least one died, how many is not said
    (mention,) = find_fatalities("10 people were killed and wounded.", "en")
    assert (mention.count, mention.vague) == (1, True)


def test_among_the_dead_is_a_subset() -> None:
    text = "Jets killed at least 30 people. Eight children were among the dead."
    assert [m.count for m in find_fatalities(text, "en")] == [30]


@pytest.mark.parametrize(
    ("sentence", "count", "vague"),
    [
        ("أسفر القصف عن مقتل ستة مدنيين", 6, False),
        ("أسفر القصف عن استشهاد مدني", 1, False),
        ("أسفر القصف عن مقتل 6 أشخاص", 6, False),
        ("ما أدى إلى ارتقاء ٣ شهداء", 3, False),
        ("خلف القصف قتيلين", 2, False),
        ("أسفر القصف عن مقتل شخصين", 2, False),
        ("قتل مدنيان بالقصف", 2, False),
        ("أسفر الانفجار عن مقتل امرأتين", 2, False),
        ("أسفر القصف عن مقتل 3 وجرح 5 آخرين", 3, False),
        ("قتل ثلاثة أشخاص وأصيب سبعة", 3, False),
        ("أسفر القصف عن مقتل خمسة وعشرين عنصرا", 25, False),
        ("أسفر القصف عن مقتل أحد عشر مدنيا", 11, False),
        ("ارتفعت حصيلة الضحايا إلى 19 قتيلا", 19, False),
        ("لقي ثلاثة مدنيين حتفهم في الغارة", 3, False),
        ("ما أدى إلى سقوط عشرات القتلى", 12, True),
        ("قتل المئات من المدنيين", 100, True),
        ("أسفر القصف عن مقتل مدنيين", 2, True),  # dual or plural: the lowest reading
        ("ما أدى إلى سقوط قتلى", 10, True),  # unknown number
        ("أسفر القصف عن مقتل وجرح 5 مدنيين", 1, True),  # killed and wounded together
    ],
)
def test_arabic_deaths(sentence: str, count: int, vague: bool) -> None:
    mentions = find_fatalities(sentence, "ar")
    assert len(mentions) == 1, mentions
    assert (mentions[0].count, mentions[0].vague) == (count, vague)


@pytest.mark.parametrize(
    "sentence",
    ["أدى القصف إلى إصابة خمسة مدنيين بجروح", "سقط عدد من الجرحى", "بعد سقوط المدينة بيد القوات"],
)
def test_arabic_injuries_and_non_deaths(sentence: str) -> None:
    assert find_fatalities(sentence, "ar") == []


def test_arabic_zero() -> None:
    (mention,) = find_fatalities("تعرضت البلدة لقصف دون ورود أنباء عن إصابات", "ar")
    assert mention.count == 0


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("The shopkeeper's son is killed by robbers.", "son is killed"),
        ("Teacher shot dead outside a school in the north.", "Teacher shot dead"),
        ("The driver later died in hospital.", "driver later died"),
        ("Villagers lynched him after the market closed.", "lynched him"),
        ("Raiders stormed the village and killed her.", "killed her"),
        ("Soldiers beat a farmer to death at a checkpoint.", "beat a farmer to death"),
        # headlines report past deaths in the present tense
        ("Gunmen attack a bus and kill chief in the hills.", "kill chief"),
        ("Bandits shoot and kill a young herder near the dam.", "shoot and kill a young herder"),
        ("The gang threatened to kill the chief.", None),  # a threat, not a death
        ("Police did not kill the suspect, the report says.", None),
        ("The imam was abducted, tortured and killed.", "imam was abducted, tortured and killed"),
        ("The guard was stabbed twice in the neck and died.", "guard was stabbed twice in the neck and died"),
        ("Police found the trader beaten. Later she died in hospital.", "she died"),
        ("Neighbours burnt 40-year-old Jane Doe to death.", "burnt 40-year-old Jane Doe to death"),
        ("A farmer's body was found in a maize field.", "farmer's body was found"),
    ],
)
def test_one_victim_named_by_a_singular_noun(sentence: str, span: str | None) -> None:
    found = find_fatalities(sentence, "en")
    if span is None:
        assert found == []
        return
    (mention,) = found
    assert (mention.text, mention.count, mention.vague) == (span, 1, True)


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Twenty were wounded, 2 of whom later died.", 2),
        ("The fire caused the death of one and destroyed ten shops.", 1),
        ("One death was reported at the market.", 1),
        ("Soldiers repelled the raid, killing either two or five attackers.", 2),
        ("Police shoot dead one suspect at a roadblock.", 1),
        ("Officers shot and killed the owner of the shop.", 1),
        ("A mob stoned to death three suspected thieves.", 3),
        ("The attackers set the hut alight, killing her two sons.", 2),
        ("Two herders were fatally shot at the well.", 2),
        ("At least four people were feared dead after the raid.", 4),
        ("An unknown number of fighters were killed in the clash.", 10),
        ("The mob burnt two suspects to death.", 2),
        # a number in between belongs to the count after it, not to the article before
        ("A patrol came under fire and three soldiers died.", 3),
        # one thing, then the plural dead: not a count of one
        ("A grenade hit the car and the bodies were taken away.", 0),
        ("Police shot dead three suspected robbers on the highway.", 3),
        ("Two suspected gang members were gunned down by officers.", 2),
        ("4 members of the provincial council security detail were killed in the ambush.", 4),
        ("The army said it repelled the attack, killing and injuring a number of fighters.", 10),
        ("The insurgents raided the hamlet and beheaded 2 men before dawn.", 2),
        ("Robbers broke into the farmhouse, leaving her dead and the house ransacked.", 1),
        ("Officers shoot armed robbery suspect dead near the bank.", 1),
        ("Guards shot one robber, who later died in hospital, and held two more.", 1),
        ("The clash was over grazing; reported deaths range from 3 to 5.", 3),
        # a relative clause that says who someone was is no death in this event
        ("Relatives of a man who died in custody marched to the station.", 0),
    ],
)
def test_more_ways_to_report_deaths(sentence: str, count: int) -> None:
    assert lowest_credible(find_fatalities(sentence, "en")) == count


def test_a_singular_victim_does_not_lower_a_stated_count() -> None:
    found = find_fatalities("Four people were killed in the raid; the guard died later in hospital.", "en")
    assert lowest_credible(found) == 4
    assert find_fatalities("She killed her husband's goat with a stone.", "en") == []
    (attacker,) = find_fatalities("She killed her husband's attacker with a stone.", "en")
    assert (attacker.text, attacker.count) == ("killed her husband's attacker", 1)
    assert find_fatalities("Two soldiers were injured in the blast.", "en") == []


def test_lowest_credible() -> None:
    def m(count: int, vague: bool = False) -> FatalityMention:
        return FatalityMention(0, 1, "x", count, vague)

    assert lowest_credible([]) == 0
    assert lowest_credible([m(17), m(19)]) == 17
    assert lowest_credible([m(12, True), m(14)]) == 14  # a stated number beats a stand-in
    assert lowest_credible([m(12, True), m(10, True)]) == 10
    assert lowest_credible([m(0), m(3)]) == 3  # "no civilian casualties, but 3 fighters killed"
    assert lowest_credible([m(0)]) == 0


# --- seed articles -------------------------------------------------------------------------------


def test_seed_sy24_six_killed() -> None:
    text = seed_text("sy24_kafr_ein_barrels.ar")
    paragraph = text.split("\n\n")[3]
    (mention,) = find_fatalities(paragraph, "ar")
    assert (mention.text, mention.count, mention.vague) == ("مقتل ستة مدنيين", 6, False)
    # the opening counts killed and wounded together: a death, number unknown from it alone
    opening = text.split("\n\n")[1]
    assert [(m.count, m.vague) for m in find_fatalities(opening, "ar")] == [(1, True)]


def test_seed_eyeofeuphrates_one_killed_five_wounded() -> None:
    text = seed_text("eyeofeuphrates_idlib_shelling.ar")
    lines = text.splitlines()
    assert deaths(lines[1], "ar") == 1  # "استشهد مدني وجرح آخرون"
    assert deaths(lines[2], "ar") == 1  # "لاستشهاد الشاب المدني"
    assert find_fatalities(lines[4], "ar") == []  # five wounded, nobody killed


def test_seed_pakistantoday_at_least_42() -> None:
    text = seed_text("pakistantoday_idlib_airstrikes.en")
    lines = text.splitlines()
    assert deaths(lines[1]) == 42
    # "at least 16 children and 11 women were among the dead" is a subset, not a count
    assert find_fatalities(lines[5], "en") == []


def test_seed_voanews_lowest_of_17_and_19() -> None:
    text = seed_text("voanews_maar_shurin_airstrike.en")
    lines = text.splitlines()
    assert deaths(lines[1] + " " + lines[4]) == 17
    toll = find_fatalities(lines[4], "en")
    assert [(m.text, m.count) for m in toll] == [("death toll at 19", 19)]


def test_seed_syriatv_two_killed() -> None:
    text = seed_text("syriatv_afes_sarmin_shelling.ar")
    assert deaths(text.splitlines()[0], "ar") == 2  # "قتل مدنيان وأصيب اثنان آخران"


def test_seed_microsyria_no_victims() -> None:
    text = seed_text("microsyria_is_arrive_bukamal.ar")
    (mention,) = find_fatalities(text, "ar")
    assert (mention.text, mention.count) == ("دون ورود أنباء عن ضحايا", 0)


def test_seed_stepnews_dozens_killed_or_wounded() -> None:
    (mention,) = find_fatalities(seed_text("stepnews_is_ambush_bukamal.ar"), "ar")
    assert (mention.count, mention.vague) == (10, True)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the number before an active verb counts the killers, the object is the dead
        ("Four gunmen shot dead a shopkeeper outside the market.", 1),
        ("Two bandits killed a herder near the river.", 1),
        ("Villagers lynched a suspected cattle thief.", 1),
        ("A suspected thief was lynched by a crowd.", 1),
        ("Youths hacked to death an elderly man.", 1),
        # two groups of dead add up
        ("The raiders stormed the camp, killing two soldiers and three civilians.", 5),
        ("Six policemen were killed in the ambush. Two attackers were also killed.", 8),
        # "a number of" is the vague stand-in, not "a" = 1
        ("Shelling hit the town, killing a number of residents.", 10),
        # one victim, however the sentence says it
        ("Police constable shot dead while on patrol near the bridge", 1),
        ("Village guards kill goat thief", 1),
        ("One speared to death as two herding families fought over a well", 1),
        ("A robbery suspect was on Friday evening shot dead by police in Kitale.", 1),
        ("Tribesmen clashed in the market, leading to the death of a passer-by.", 1),
        ("Militants shot a water carrier, resulting in his death.", 1),
        ("An unidentified group fatally shot the leader of the movement near his house.", 1),
        # reported speech is not a passive; a near miss is no death
        ("It was reported that soldiers killed two at the market.", 2),
        ("He was nearly killed by the mob.", 0),
        ("A crowd beat up and tried to lynch a man accused of extortion.", 0),
        ("A man accused of theft was held and nearly lynched by residents.", 0),
        ("Nearly 300 people were killed in the fighting.", 300),
        # killed or injured: none need have died; killed and injured: at least one did
        ("Air strikes hit the camp, killing or injuring 2 militants.", 0),
        ("Shelling killed and injured 5 civilians.", 1),
        # injuries are not deaths, and an explicit "no fatalities" is zero
        ("A man attacked 4 people with a knife; 4 injuries and no fatalities were reported.", 0),
    ],
)
def test_english_victim_counts(text: str, value: int) -> None:
    assert deaths(text) == value


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # a coder's note of the figure stands over the reported one
        ("Six herders were killed, local media said. Fatalities coded as 0 (unverified report).", 0),
        ("Militants were killed in the raid. Unknown fatalities coded as 10.", 10),
        # codebook section 6: a total for several events is split across them, rounded down
        ("Several fighters were killed. Fatalities coded as 10 and split between 4 events.", 2),
        ("A soldier died somewhere along the front [1 fatality split among 6 events].", 0),
        ("Unknown fatalities coded as 10 and spread across two locations.", 5),
    ],
)
def test_a_coders_note_of_the_figure(text: str, count: int) -> None:
    found = find_fatalities(text, "en")
    assert any(m.coded for m in found)
    assert lowest_credible(found) == count


@pytest.mark.parametrize(
    ("text", "motive"),
    [
        ("Students rioted after a classmate was killed by a bus.", True),
        ("Traders protested over the killing of a man at the market.", True),
        ("Residents blocked the road following the death of two people.", True),
        ("Rioters fought over land, killing two.", False),  # the riot's own toll
        ("Rioters clashed with police and two were shot dead.", False),
        ("خرج الأهالي في مظاهرة احتجاجا على مقتل شاب.", True),
    ],
)
def test_a_death_given_as_the_reason(text: str, motive: bool) -> None:
    language = "ar" if "\u0600" <= text[0] <= "\u06ff" else "en"
    (mention,) = find_fatalities(text, language)
    assert is_motive(text, mention) is motive


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a parenthesis between the dead and the verb
        ("Four shepherds (two of them brothers) were killed when gunmen opened fire.", 4),
        ("6 miners (all from the same village) died when the tunnel collapsed on them.", 6),
        # who was among the dead, with or without the commas
        ("Nine people including three nurses and a driver were killed in the ambush.", 9),
        ("Nine people, including three nurses, were killed in the ambush.", 9),
        # an "including" that ends in the injured is no death count
        ("Seven people including a guard were injured and one was killed.", 1),
        # one victim, another deed first: not the four who did it
        ("A trader was dragged from his shop by four youths and then stoned to death.", 1),
        ("A herder was tied to a tree by the raiders and hacked to death.", 1),
        # a day between the verb and its auxiliary; stoned to death; the present tense
        ("A cattle thief was on Friday morning lynched by villagers.", 1),
        ("Three pickpockets were stoned to death by traders.", 3),
        ("Police torched huts in the valley. A baby dies in the fire.", 1),
        # "were lynched" says at least one: the number stated before it stands
        ("Two thieves were lynched in the market. The thieves were beaten to death by a crowd.", 2),
        # a note's own field of the figure
        ("Clashes went on overnight. FATALITIES: 3 - details unclear", 3),
        # the victims between the verb and "to death"
        ("Raiders hacked two elders to death near the river.", 2),
        # one person by what they did for a living, in a headline
        ("Surveyor's agent killed at his gate by unknown men", 1),
        ("Gunmen kill road engineer near the quarry", 1),
        # several groups before one verb add up
        ("Eleven rebels and four soldiers were killed in the fighting.", 15),
        ("Two guards, three drivers and one cook were killed in the raid.", 6),
        ("Eleven rebels and four soldiers were wounded in the fighting.", 0),
        ("Nine men and two boys were among the dead, the mayor said.", 0),
        ("In 2015 clashes and 3 soldiers were killed in the north.", 3),  # a year is no group
    ],
)
def test_words_between_the_dead_and_the_verb(text: str, value: int) -> None:
    assert deaths(text) == value
