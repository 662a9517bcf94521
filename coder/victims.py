"""Who violence was done to, read from the words around the deed and its sides.

The offline coder's types hang on it: ACLED calls violence against civilians an attack and
violence between armed, organised sides a battle, and a mob's violence differs from a state
force's. Each test here is a pure function of a unit's text and the actor mentions found in it,
English only (Arabic units go by the lexicon and the classifier).
"""

from __future__ import annotations

import re

from coder.actors import Actor, ActorMention
from coder.literal_gate import GatedPattern

#: "attacked a police station", "ambushed two police officers", "opened fire on the troops": the
#: actor after it was attacked.
OBJECT_BEFORE = re.compile(
    r"\b(?:attack(?:ed|s|ing)?|ambush(?:ed|es|ing)?|raid(?:ed|s|ing)?|storm(?:ed|s|ing)?|"
    r"(?:fired|firing|fire|opened fire|opening fire)\s+(?:on|at|upon)|shot at|targeted|targeting|"
    r"attacks? on|ambush(?:es)? on|raids? on)\s+(?:(?:a|an|the|two|three|four|several|some)\s+)?"
    r"(?:[\w'-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "police responded", "troops later repulsed the attack": the actor before it did not begin the fight.
RESPONDS_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:responded|intervened|repulsed|repelled|retaliated|fought back|returned fire|"
    r"reacted|pursued|foiled|thwarted)\b",
    re.IGNORECASE,
)

#: People who are not fighters, as victims: "a woman", "two farmers", "1 shepherd", "students".
_CIVILIAN_VICTIMS = GatedPattern.compile(
    r"\b(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+|the)\s+(?:[\w'-]+\s+)?"
    r"(?:woman|women|man|men|boys?|girls?|child|children|baby|infant)|(?:(?:a|an|one|two|three|four|five|"
    r"several|\d+|the)\s+)?(?:[\w'-]+\s+)?(?:students?|farmers?|herders?|shepherds?|workers?|traders?|"
    r"teachers?|villagers?|residents?|passengers?|patrons?|civilians?|pedestrians?|journalists?|pastors?|"
    r"priests?|imams?|businessm[ae]n|motorists?|travell?ers?|fisherm[ae]n|miners?|vendors?|shopkeepers?|"
    r"elders?|teenagers?|pupils?|worshippers?|families|family))\b",
)
#: A fight, or a second armed side: then it is not one-sided violence.
#: Words of a fight, and of armed or criminal people taking part in one; both one-sidedness
#: tests below add their own.
_FIGHT_WORDS = (
    r"clash\w*|fought|fighting|fights?|gun ?battles?|shoot-?outs?|battle\w*|firefights?|engag\w*|"
    r"repuls\w*|repell?\w*|returned fire|crossfire|confrontations?|skirmish\w*|fighters?|gangsters?|"
    r"criminals?|robbers?|thieves"
)
_FIGHT = GatedPattern.compile(
    rf"\b(?:{_FIGHT_WORDS}|exchang\w*|gun ?fights?|ambush\w*|positions?|conflicts?|disputes?|up arms|"
    r"communities|pastoralists|separatists?|opened fire|shot at|fired at|interven\w*|militias?|"
    r"militiam[ae]n|rebels?|gangs?|suspect\w*|thugs?|insurgents?|security guards?|guards?)\b",
)


def one_sided(actors: list[ActorMention], unit: str) -> bool:
    """Civilian victims are named (a dictionary civilian or a noun for one) and no fight."""
    folded = unit.casefold()
    if _FIGHT.search(folded):
        return False
    if any(m.actor.inter == 7 for m in actors):
        return True
    return bool(_CIVILIAN_VICTIMS.search(folded))


#: A deed done to civilians, named as its object: "shot dead a Baloch man", "opened fire on a
#: civilian car", "killed a doctor", "slashed residents".
_HARMS_CIVILIANS = GatedPattern.compile(
    r"\b(?:shot dead|shoots? dead|shot and killed|shoots? and kills?|killed|kills|killing|murdered|"
    r"opened fire (?:on|at)|fired (?:on|at)|shot|attacked|kidnapped|abducted|beat|assaulted|hacked|"
    r"stabbed|slashed|injured|wounded|injuring|wounding)\s+(?:(?:a|an|the|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|several|some|\d+)\s+)?(?:[\w'-]+\s+){0,2}(?:man|men|woman|women|boys?|"
    r"girls?|child|children|teenagers?|youths?|civilians?|residents?|villagers?|farmers?|herders?|"
    r"shepherds?|teachers?|students?|doctors?|nurses?|traders?|drivers?|passengers?|pedestrians?|"
    r"worshippers?|journalists?|family|families|person|people|elders?|chief|pastor|priest|imam|"
    r"businessm[ae]n|bystanders?|car|vehicle|bus|village|villages|homes?|houses?|workers?|employees?|"
    r"officials?|activists?|voters?|managers?|cleric|son|daughter|wife|husband|\d+-year-old)\b",
)
#: ... unless the unit tells of a fight, or suspects ...
_NOT_ONE_SIDED = GatedPattern.compile(
    rf"\b(?:{_FIGHT_WORDS}|exchang\w* (?:of )?(?:gun)?fire|encounters?|suspects?|suspected of|"
    r"carjackers?|retaliat\w*)\b",
)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being|got)\s+$")
#: ... or of a second armed side from the deed on: among the victims, not the doers before it
#: ("militants shot and killed a teacher" is one-sided; "killed a farmer and two soldiers" is not).
_ARMED_SIDE = GatedPattern.compile(
    r"\b(?:police (?:officers?|team|patrol|post|station|reservists?)|policem[ae]n|soldiers?|troops|"
    r"militants?|military vehicle|patrol|reservists?|gendarmes?|escorts?|bodyguards?)\b",
)


_ARMED_NOUNS = (
    r"(?:militants?|fighters?|separatists?|rebels?|insurgents?|gang members?|drug (?:dealers?|traffickers?)|"
    r"traffickers?|jihadists?|terrorists?|combatants?|militiam[ae]n|raiders?|bandits?|gunm[ae]n|"
    r"kidnappers?|(?:cattle )?rustlers?|security guards?)"
)
#: Members of an armed group as the deed's object: "the army killed two suspected ISGS militants",
#: "2 opposition fighters were found dead", "a drug trafficker was found dead".
_HARMS_ARMED = GatedPattern.compile(
    r"\b(?:(?:killed|killing|kills?|shot dead|shoots? dead|shot and killed|shot|gunned down|executed|"
    r"attacked|ambushed)\s+"
    r"(?:(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|several|some|at least|\d+)\s+)*"
    r"(?:(?!(?:by|after|before|when|as|while|in|at|on|during)\b)[\w'-]+\s+){0,3}?"
    + _ARMED_NOUNS
    + r"|"
    + _ARMED_NOUNS
    + r"\s+(?:was|were|is|are)\s+(?:\w+\s+)?(?:killed|shot|found dead|executed|gunned down))\b"
)
_CIVILIAN_WORDS = GatedPattern.compile(
    r"\b(?:civilians?|villagers?|residents?|children|women|farmers?|passers?-?by|bystanders?)\b"
)


def armed_victims(unit: str) -> bool:
    """Members of an armed group are the victims and no civilian is named: a fight between armed
    actors (codebook: an attack targets civilians)."""
    folded = unit.casefold()
    return bool(_HARMS_ARMED.search(folded)) and not _CIVILIAN_WORDS.search(folded)


def civilians_attacked(unit: str) -> bool:
    """Civilians are the object of the deed and nothing tells of a fight (codebook: violence
    against civilians is one-sided; a battle needs two armed sides)."""
    folded = unit.casefold()
    deed = _HARMS_CIVILIANS.search(folded)
    if deed is None or _NOT_ONE_SIDED.search(folded):
        return False
    # a passive puts the victims before the deed: "two police reservists are killed when ..."
    passive = _PASSIVE_BEFORE.search(folded, max(0, deed.start() - 12), deed.start())
    return not _ARMED_SIDE.search(folded[0 if passive else deed.start() :])


def state_target(actors: list[ActorMention], actor1: ActorMention | Actor, text: str) -> bool:
    """The attack's object is a state force on duty ("ambushed a police patrol", "killed two
    soldiers"), other than the doer, and no civilian is named. Police who only report it
    ("police said") and off-duty or former members (civilians, for ACLED) do not count."""
    if any(m.actor.inter == 7 for m in actors):
        return False
    doer = actor1.actor.name if isinstance(actor1, ActorMention) else actor1.name
    return any(m.actor.name != doer and _force_harmed(m, text) for m in actors)


def _harmed(m: ActorMention, text: str, killed_words: bool = True) -> bool:
    """The mention is the deed's object ("ambushed a police patrol"), its victim ("killed two
    soldiers"; only with `killed_words`) or harmed in a passive ("were shot")."""
    before = text[max(0, m.start - 60) : m.start]
    return bool(
        OBJECT_BEFORE.search(before)
        or (killed_words and _KILLED_BEFORE.search(before))
        or HARMED_AFTER.match(text, m.end, m.end + 60)
    )


def _force_harmed(m: ActorMention, text: str, killed_words: bool = True) -> bool:
    """A state force on duty harmed (see _harmed): not the agent of a passive ("shot by police
    officers"), nor off-duty or former members (civilians, for ACLED)."""
    return (
        m.actor.inter in (1, 8)
        and _harmed(m, text, killed_words)
        and not _BY_BEFORE.search(text[max(0, m.start - 40) : m.start])
        and not _OFF_DUTY.search(text[max(0, m.start - 40) : m.end + 40])
    )


_FORCES = r"(?:police|policem[ae]n|(?:police\s+)?officers?|forces|soldiers|troops|army|guards|gendarmes)"
_FORCE_DEEDS = r"(?:beat|beaten|tortured|whipped|flogged|assaulted|manhandled|thrashed|attacked|shot)"
#: "soldiers beat three men", "police guards opened fire on prisoners", "tortured by police"
_FORCE_DID = re.compile(
    rf"\b{_FORCES}\s+(?:(?!(?:was|were|been|being|is|are)\b)\w+\s+){{0,2}}?"
    rf"(?:beat|tortured|whipped|flogged|assaulted|manhandled|thrashed|attacked|opened fire on|shot at)\b"
    rf"|\b{_FORCE_DEEDS}\s+by\s+(?:a\s+|the\s+)?(?:\w+\s+)?{_FORCES}\b",
    re.IGNORECASE,
)
_CROWD = re.compile(r"\b(?:mob|vigilantes?|lynch\w*|residents|villagers|crowds?|rioters?)\b", re.IGNORECASE)


#: Unarmed people as the doers of violence: "residents of Kisumu attack and kill a man", "voters
#: beat up the official", "attacked by a crowd" (codebook: a mob's violence, the rioters' event).
#: Not youths nor a party's supporters: coders read them as a political militia's attack as often.
_PEOPLE = (
    r"(?:angry\s+|irate\s+|rowdy\s+|enraged\s+|unruly\s+)?(?:residents|villagers|crowds?|voters|"
    r"students|locals|traders|squatters|churchgoers|worshippers|mourners|members of the public|"
    r"people from the \w+|neighbou?rs)"
)
_MOB_DEEDS = (
    r"(?:attack(?:ed|s)?|beat(?:s|en)?(?: up)?|lynch(?:ed|es)?|torch(?:ed|es)?|burn(?:ed|t|s)|stoned|"
    r"assault(?:ed|s)?|hack(?:ed|s)?|storm(?:ed|s)?|set (?:\w+ ){0,3}(?:on fire|ablaze)|rioted|"
    r"chased|stormed)"
)
_CROWD_DID = re.compile(
    rf"\b{_PEOPLE}\b(?:\s+(?:of|in|from|at)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)?"
    rf"(?:\s+(?!(?:was|were|been|being|is|are|had|have)\b)\w+){{0,2}}?\s+{_MOB_DEEDS}\b"
    rf"|\b(?:attacked|beaten|assaulted|lynched|stoned)\s+by\s+(?:a\s+group\s+of\s+|a\s+|the\s+)?"
    rf"(?:\w+\s+){{0,3}}?{_PEOPLE}\b",
)


def crowd_did_it(unit: str) -> bool:
    """Unarmed people did the violence ("residents of Kisumu attack and kill a man"): a mob."""
    return bool(_CROWD_DID.search(unit))


def force_did_it(unit: str) -> bool:
    """A state force did the deed ("soldiers beat three men", "tortured by police") and no mob,
    crowd or residents are named: the force's violence, not a mob's."""
    return bool(_FORCE_DID.search(unit)) and not _CROWD.search(unit)


def force_attacked(actors: list[ActorMention], actor1: ActorMention | Actor, text: str) -> bool:
    """The only side named is a state force, and it was attacked ("police officers on patrol
    were shot by a man"): the other side is armed, whoever it was; no civilian is named."""
    # attacked, or harmed in the passive, not killed-words before it: "killed during a police
    # raid", "shot by the police", "police intervened" are deeds the force did or answered
    return (
        isinstance(actor1, ActorMention)
        and not any(m.actor.inter == 7 for m in actors)
        and all(m.actor.name == actor1.actor.name for m in actors)
        and _force_harmed(actor1, text, killed_words=False)
    )


#: "killed a police officer", "shot dead two soldiers", "shot dead a member of the regime's
#: Air Force Intelligence": the actor after it was the victim.
_KILLED_BEFORE = re.compile(
    r"\b(?:killed|killing|kills|kill|shot dead|shoots? dead|shot|shooting|shoots|murdered|abducted|"
    r"kidnapped|wounded|wounding|injured|injuring|stabbed|hacked)\s+"
    r"(?:(?:a|an|the|one|two|three|four|five|several|some|\d+)\s+)?(?:members?\s+of\s+)?"
    # not "killed during a police raid", "shot near the army barracks": a preposition ends the object
    r"(?:(?!(?:during|in|by|at|on|near|after|before|while|when|as|outside|inside|from|with)\b)[\w'-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "two NDS members were shot and killed", "Police detective shot dead while investigating": the
#: actor before it was the victim (a passive, or a headline's bare participle with no object).
HARMED_AFTER = re.compile(
    r"(?:\s+[\w'-]+){0,4}?\s+(?:(?:was|were|has been|have been|had been|being|got)\s+(?:\w+\s+)?"
    r"(?:shot|killed|attacked|ambushed|wounded|injured|gunned down|murdered|stabbed|hacked|abducted|"
    r"kidnapped|taken hostage|found dead|targeted|hit|struck|blown up)\b|"
    r"(?:shot dead|shot and killed|killed|gunned down|murdered|wounded|injured)"
    r"(?=\s*(?:[.,;]|$|(?:while|in|at(?!\s+(?:least|most)\b)|on|by|after|during|near|outside|as)\b)))",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(r"\bby\s+(?:(?:the|suspected|alleged)\s+)*(?:[\w'-]+\s+)?$", re.IGNORECASE)
_OFF_DUTY = re.compile(r"\b(?:off[- ]duty|former|retired|defected|ex-)", re.IGNORECASE)


#: "police said", "according to police", "police found the bodies": the force reports the event
#: or comes after it; it is not a side of it.
_REPORTS_AFTER = re.compile(
    r"(?:\s+(?:chief|spokesm[ae]n|spokesperson|sources?|officials?|commander))?\s+(?:later\s+)?"
    r"(?:said|say|says|stated|reported|reports|believe[sd]?|suspect(?:s|ed)?|found|discovered|confirmed|"
    r"denied|recovered|launched an? investigation|(?:are|were|is|was) investigating|(?:has|have) yet to|"
    r"rushed|arrived|were called|was called)\b",
    re.IGNORECASE,
)
_REPORTS_BEFORE = re.compile(r"\b(?:according to|told|informed|reported to)\s+(?:the\s+)?$", re.IGNORECASE)


def reports_only(m: ActorMention, text: str) -> bool:
    return m.actor.inter in (1, 8) and bool(
        _REPORTS_AFTER.match(text, m.end, m.end + 60)
        or _REPORTS_BEFORE.search(text[max(0, m.start - 30) : m.start])
    )


def acted_upon(m: ActorMention, text: str) -> bool:
    """The mention is the object, victim or responder of the deed, not who began it."""
    return _harmed(m, text) or bool(RESPONDS_AFTER.match(text, m.end))


#: "attacked a police checkpoint", "stormed a remote police camp": a post of an armed force as
#: the object of the attack.
_POST_ATTACKED = re.compile(
    r"\b(?:attack(?:ed|ing|s)?|storm(?:ed|ing)|raid(?:ed|ing|s)?|overran|ambush(?:ed|ing|es)?)\s+(?:on\s+)?"
    r"(?:(?:a|an|the|their)\s+)?(?:\w+\s+){0,2}?(?:police|military|army|gendarmerie|gendarme|border guard)\s+"
    r"(?:stations?|posts?|checkpoints?|camps?|bases?|barracks|outposts?|positions?)\b",
    re.IGNORECASE,
)


#: A force took on the attackers: "were repulsed by the police", "police intervened, killing
#: 12", "soldiers responded and shot two of the raiders".
_FORCE_FOUGHT_BACK = GatedPattern.compile(
    r"\b(?:(?:repulsed|repelled|pushed back|fought off|engaged|pursued)\s+by\s+(?:the\s+)?(?:\w+\s+)?"
    r"(?:police|policemen|soldiers|troops|security forces|military|army|reservists|kdf|officers)\b|"
    r"(?:police|policemen|soldiers|troops|security forces|reservists|officers)\s+(?:later\s+)?"
    r"(?:intervened|responded|repulsed|repelled|fought back|returned fire)\W+(?:\w+\s+)?"
    r"(?:killing|shooting|and (?:killed|shot))\b)",
)


def force_fought_back(unit: str) -> bool:
    """A state force fought the attackers (codebook: a battle is between armed, organised sides;
    the attack on civilians, when the text reports one, is its own event)."""
    return bool(_FORCE_FOUGHT_BACK.search(unit.casefold()))


def post_attacked(unit: str) -> bool:
    """A post of an armed force was attacked: a battle with the force that holds it, whoever
    else was killed with them ("stormed a police camp, killing three police and a teacher")."""
    return bool(_POST_ATTACKED.search(unit))
