"""People: full names from NER and job-title patterns, their role and organisation, and later
references by family or given name merged into one person.

Pure functions over a parsed Doc. chinatech.components.entities calls `full_names` before it
looks for unknown companies (a person's name is not a company) and `find_people` once it
knows the organisations, which a person's organisation must be one of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Iterable, Mapping

from spacy.tokens import Doc, Token

from .. import knowledge

# Words that join the parts of a title: "founder, chairman and CEO", "vice president of sales".
TITLE_JOINERS = {",", "and", "&", "of", "-", "‐", "‑"}
# Prepositions between a title and the organisation: "managing partner at Foo".
ORG_PREPOSITIONS = {"at", "of", "with", "for", "from"}
# How far past the preposition the organisation may start ("at venture capital fund Foo").
ORG_REACH = 8
DETERMINERS = {"a", "an", "the"}
POSSESSIVES = {"'s", "’s", "'", "’"}
# Apostrophes inside a name: O'Brien, D’Souza.
APOSTROPHES = ("'", "’")
# Tags of the words of a description before a name: "the social media personality Jane Roe".
DESCRIPTION_TAGS = {"NN", "NNS", "JJ", "HYPH", "VBG"}
HYPHENS = {"-", "‐", "‑"}
MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class PeopleRules:
    role_heads: frozenset[str]
    role_words: frozenset[str]
    honorifics: frozenset[str]
    not_names: frozenset[str]
    founding_verbs: Mapping[str, str]
    particles: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def people_rules() -> PeopleRules:
    """Title words, honorifics and non-name words from data/entities.yaml."""
    data = knowledge.read_data("entities.yaml")

    words = partial(knowledge.word_set, data)

    heads = words("role_heads")
    not_names = words("not_names", "not_name_words", "public_body_words", "company_nouns", "product_nouns",
                      "not_person_words", "corporate_suffixes", "legal_suffixes", "report_heads")  # "Hang Seng Index"
    not_names |= words("places") | words("nationalities")
    founding = {str(k).lower(): str(v) for k, v in (data.get("founding_verbs") or {}).items()}
    return PeopleRules(heads, heads | words("role_modifiers"), words("honorifics"), not_names, founding,
                       words("name_particles"))


@dataclass
class Person:
    """One person in a document: the canonical full name and every mention of it."""

    name: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    role: str = ""
    organization: str = ""


# -- names --------------------------------------------------------------------------------

def is_role_word(token: Token, rules: PeopleRules) -> bool:
    return token.lower_ in rules.role_words


def words_of(doc: Doc, start: int, end: int) -> list[str]:
    """Whitespace-separated words of a token range ("Wong Ka-wai" is two words)."""
    return doc[start:end].text.split()


def is_full_name(doc: Doc, start: int, end: int, rules: PeopleRules) -> bool:
    """Two to four capitalised words, none of them a title, place or technology term."""
    names = words_of(doc, start, end)
    if not 2 <= len(names) <= MAX_NAME_WORDS:
        return False
    for k, word in enumerate(names):
        if 0 < k < len(names) - 1 and word in rules.particles:
            continue  # "Ursula von der Leyen", "Vincent van Gogh"
        bare = word.rstrip(".")
        if not bare[:1].isupper() or not strip_apostrophes(bare.replace("-", "")).isalpha():
            return False
        lower = word.lower()
        if lower in rules.not_names or lower in rules.role_words or lower.rstrip("s") in rules.not_names:
            return False
    return not any(doc[i].tag_ not in ("NNP", "NNPS", "NN", "HYPH", "JJ", "NNS") and doc[i].text not in rules.particles
                   for i in range(start, end))


def strip_apostrophes(word: str) -> str:
    for mark in APOSTROPHES:
        word = word.replace(mark, "")
    return word


def trim_name(doc: Doc, start: int, end: int, rules: PeopleRules) -> tuple[int, int]:
    """Drop honorifics and titles before a name, a possessive after it; join hyphenated parts."""
    while start < end and (doc[start].lower_ in rules.honorifics or doc[start].lower_ in DETERMINERS
                           or is_role_word(doc[start], rules) or doc[start].lower_ in rules.not_names
                           or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in POSSESSIVES or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    # NER often stops at the hyphen of a given name ("Wong Ka" | "-wai").
    while end + 1 < len(doc) and doc[end].text in HYPHENS and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    return start, _past_particles(doc, start, end, rules)


def _past_particles(doc: Doc, start: int, end: int, rules: PeopleRules) -> int:
    """"Ursula von" + "der Leyen": NER stops at lower-case particles; the surname after them
    belongs to the name."""
    while end > start and doc[end - 1].text in rules.particles:
        end -= 1  # a name never ends in one
    k = end
    while k < len(doc) and doc[k].text in rules.particles:
        k += 1
    if k > end and k < len(doc) and doc[k].text[:1].isupper() and doc[k].is_alpha:
        return k + 1
    return end


def full_names(doc: Doc, blocked: set[int], rules: PeopleRules) -> list[tuple[int, int]]:
    """Token ranges of full names: NER persons, and names that a job title stands next to."""
    found: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = trim_name(doc, ent.start, ent.end, rules)
        if start < end and not blocked.intersection(range(start, end)) and is_full_name(doc, start, end, rules):
            found.append((start, end))
    taken = {i for start, end in found for i in range(start, end)}
    found += [r for r in titled_names(doc, blocked | taken, rules)]
    taken = {i for start, end in found for i in range(start, end)}
    found += [r for r in described_names(doc, blocked | taken, rules)]
    taken = {i for start, end in found for i in range(start, end)}
    found += [r for r in apposed_names(doc, blocked | taken, rules)]
    return sorted(set(found))


def titled_names(doc: Doc, blocked: set[int], rules: PeopleRules) -> Iterable[tuple[int, int]]:
    """Names right after a title the NER missed: "chief executive Jane Roe"."""
    for token in doc:
        if token.lower_ not in rules.role_heads or token.i + 1 >= len(doc):
            continue
        start = token.i + 1 + (doc[token.i + 1].text == ",")
        end = start
        while end < len(doc) and end - start < 3 and doc[end].tag_ in ("NNP", "NNPS") and doc[end].is_title \
                and end not in blocked and not doc[end].is_sent_start:
            end += 1
        start, end = trim_name(doc, start, end, rules)
        if end - start >= 2 and is_full_name(doc, start, end, rules):
            yield start, end


def described_names(doc: Doc, blocked: set[int], rules: PeopleRules) -> Iterable[tuple[int, int]]:
    """Names the NER missed that a title follows: "Jane Roe, the company's chief executive"."""
    i = 0
    while i < len(doc):
        end = i
        while end < len(doc) and end - i < 3 and end not in blocked and doc[end].is_title \
                and doc[end].tag_ in ("NNP", "NNPS"):
            end += 1
        if end - i >= 2 and is_full_name(doc, i, end, rules) and role_after(doc, end, {}, rules)[0]:
            yield i, end
        i = max(end, i + 1)


def apposed_names(doc: Doc, blocked: set[int], rules: PeopleRules) -> Iterable[tuple[int, int]]:
    """Names the NER missed after a description with an article: "the magician Jane O’Roe".

    An unusual spelling (a curly apostrophe) can hide a name from the NER; "the" or "a" and a
    common noun that the parse ties to the capitalised words still mark them as a person.
    """
    for token in doc:
        noun = token.i
        if token.tag_ != "NN" or not token.is_lower or not token.is_alpha or token.lower_ in rules.not_names:
            continue
        first = noun
        while first - 1 >= 0 and doc[first - 1].tag_ in DESCRIPTION_TAGS and doc[first - 1].is_lower:
            first -= 1
        if first == 0 or doc[first - 1].lower_ not in DETERMINERS:
            continue
        start = end = noun + 1
        while end < len(doc) and end - start < 3 and end not in blocked and doc[end].is_title \
                and not doc[end].is_sent_start:
            end += 1
        if end - start >= 2 and is_full_name(doc, start, end, rules) and apposed(doc, noun, start, end):
            yield start, end


# -- one row per person -------------------------------------------------------------------

def name_parts(name: str) -> tuple[str, ...]:
    """The parts a later bare reference may use: the last word, and the first (family names
    come first in Chinese, Korean and Vietnamese names: "Zhou Jianping" ... "Zhou")."""
    words = name.split()
    return tuple(dict.fromkeys((words[-1], words[0])))


def group_people(doc: Doc, names: list[tuple[int, int]], blocked: set[int]) -> list[Person]:
    """One Person per distinct full name, plus later bare family/given-name references."""
    people: dict[frozenset[str], Person] = {}
    for start, end in names:
        words = words_of(doc, start, end)
        # "Zhang Yiming" and "Yiming Zhang" are one person, named as first written.
        people.setdefault(frozenset(words), Person(" ".join(words))).mentions.append((start, end))
    covered = blocked | {i for s, e in names for i in range(s, e)}
    for token in doc:
        if token.i in covered or not token.is_title or token.tag_ not in ("NNP", "NNPS"):
            continue
        person = latest_with_part(people.values(), token)
        if person is not None:
            person.mentions.append((token.i, token.i + 1))
    return list(people.values())


def latest_with_part(people: Iterable[Person], token: Token) -> Person | None:
    """The person named most recently before `token` whose name has it as a part."""
    best, best_at = None, -1
    for person in people:
        first = person.mentions[0][0]
        if first < token.i and token.text in name_parts(person.name) and first > best_at:
            best, best_at = person, first
    return best


# -- roles and organisations --------------------------------------------------------------

def in_title(token: Token, rules: PeopleRules) -> bool:
    return is_role_word(token, rules) or token.lower_ in TITLE_JOINERS or token.is_space


def title_run_before(doc: Doc, end: int, floor: int, rules: PeopleRules, orgs: Mapping[int, str]) -> int:
    """Start of the title words that end right before token `end` (an organisation's name
    ends them: "Foo Global founder Jane Roe")."""
    start = end
    while start - 1 >= floor and start - 1 not in orgs and in_title(doc[start - 1], rules):
        start -= 1
    return start


def title_run_after(doc: Doc, start: int, ceiling: int, rules: PeopleRules) -> int:
    """End of the title words that start at token `start`."""
    end = start
    while end < ceiling and in_title(doc[end], rules):
        end += 1
    return end


def title_text(doc: Doc, start: int, end: int, rules: PeopleRules) -> tuple[str, int, int]:
    """The title in a run with its joiners trimmed at both ends, or '' without a title head."""
    while start < end and (doc[start].lower_ in TITLE_JOINERS | DETERMINERS or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].lower_ in TITLE_JOINERS or doc[end - 1].is_space):
        end -= 1
    if not any(doc[i].lower_ in rules.role_heads for i in range(start, end)):
        return "", start, start
    return doc[start:end].text, start, end


def org_ending_at(doc: Doc, i: int, orgs: Mapping[int, str]) -> str:
    """The organisation whose mention ends at token i, allowing a possessive "'s" after it."""
    i = skip_back(doc, i)
    if i >= 0 and doc[i].text in POSSESSIVES:
        i = skip_back(doc, i - 1)
    return orgs.get(i, "") if i >= 0 else ""


def skip_back(doc: Doc, i: int) -> int:
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i


def skip_on(doc: Doc, i: int) -> int:
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i


def org_after(doc: Doc, i: int, ceiling: int, orgs: Mapping[int, str]) -> str:
    """The first organisation within reach after token i, before the clause ends."""
    for j in range(i, min(i + ORG_REACH, ceiling)):
        if j in orgs:
            return orgs[j]
        # "at Shanghai-based Foo": a participle after a hyphen is a modifier, not a new clause.
        verb = doc[j].pos_ in ("VERB", "AUX") and not (j > 0 and doc[j - 1].text in HYPHENS)
        if doc[j].is_punct and doc[j].text not in HYPHENS or verb or doc[j].is_sent_start:
            return ""
    return ""


def role_before(doc: Doc, start: int, orgs: Mapping[int, str], rules: PeopleRules) -> tuple[str, str]:
    """ "Acme chief executive Jane Roe", "Acme's Roe", "Acme's former chairman, Jane Roe"."""
    sent_start = doc[start].sent.start
    comma = skip_back(doc, start - 1)
    end = comma if comma >= sent_start and doc[comma].text == "," else start
    run = title_run_before(doc, end, sent_start, rules, orgs)
    role, role_start, _ = title_text(doc, run, end, rules)
    if role:
        before = skip_back(doc, role_start - 1)
        if before >= sent_start and doc[before].lower_ in ("its", "their"):
            return role, org_antecedent(doc, before, orgs)  # "Its chief executive, Jane Roe"
        return role, org_ending_at(doc, role_start - 1, orgs) if role_start > sent_start else ""
    described = description_before(doc, start, rules)
    if described:
        return described, ""
    # Without a title only a possessive ties the name to an organisation ("Foo Capital's Roe").
    mark = skip_back(doc, start - 1)
    if end == start and mark - 1 >= sent_start and doc[mark].text in POSSESSIVES:
        return "", org_ending_at(doc, mark, orgs)
    return "", ""


def description_before(doc: Doc, start: int, rules: PeopleRules) -> str:
    """A common-noun phrase the name stands in apposition to: "the singer Jane Roe",
    "Chinese venture capitalist, Jane Roe" -> "singer", "venture capitalist".

    The parse must make the name an appositive of the noun, which keeps out object relatives
    ("the startup Jane Roe founded"); nationalities and other capitalised words are left out.
    """
    sent_start = doc[start].sent.start
    noun = skip_back(doc, start - 1)
    if noun >= sent_start and doc[noun].text == ",":
        noun = skip_back(doc, noun - 1)
    if noun < sent_start or doc[noun].tag_ != "NN" or not doc[noun].is_lower or not doc[noun].is_alpha \
            or doc[noun].lower_ in rules.not_names:
        return ""
    if not apposed(doc, noun, start, start + MAX_NAME_WORDS):
        return ""
    first = noun
    while first - 1 >= sent_start and doc[first - 1].tag_ in DESCRIPTION_TAGS and doc[first - 1].is_lower:
        first -= 1
    while first < noun and doc[first].tag_ == "HYPH":
        first += 1
    return doc[first:noun + 1].text


def apposed(doc: Doc, noun: int, start: int, end: int) -> bool:
    """Whether the parse ties the noun to the name in [start, end) as its apposition or modifier."""
    end = min(end, len(doc))
    return any(t.dep_ == "appos" and t.head.i == noun for t in doc[start:end]) or \
        (doc[noun].dep_ == "compound" and start <= doc[noun].head.i < end)


def role_after(doc: Doc, end: int, orgs: Mapping[int, str], rules: PeopleRules) -> tuple[str, str]:
    """ "Jane Roe, managing partner at Foo", "Jane Roe of Foo", "Jane Roe is a reporter at Foo"."""
    ceiling = doc[end - 1].sent.end
    i = skip_on(doc, end)
    if i < ceiling and doc[i].lower_ in ("of", "at") and i + 1 < ceiling:
        return "", org_after(doc, i + 1, min(ceiling, i + 4), orgs)
    if i < ceiling and (doc[i].text in (",", "(") or doc[i].lemma_ == "be"):
        i += 1
    else:
        return "", ""
    founded = founding_clause(doc, i, ceiling, orgs, rules)
    if founded[0]:
        return founded
    while i < ceiling and (doc[i].lower_ in DETERMINERS or doc[i].tag_ == "RB" or doc[i].is_space):
        i += 1
    org = ""
    if i + 1 < ceiling and i not in orgs and (doc[i + 1].text in POSSESSIVES or doc[i].lower_ in ("its", "their")):
        # "the company's chief executive", "its founder": the organisation named before.
        org = org_antecedent(doc, i, orgs)
        i += 1 if doc[i].lower_ in ("its", "their") else 2
    elif i in orgs:  # "Jane Roe, Foo's managing partner" / "Jane Roe, Foo CEO"
        org, i = orgs[i], org_end(orgs, i)
        i += 1 if i < ceiling and doc[i].text in POSSESSIVES else 0
    run_end = title_run_after(doc, i, ceiling, rules)
    role, _, role_end = title_text(doc, i, run_end, rules)
    if not role:
        return "", org
    if not org and role_end < ceiling and doc[role_end].lower_ in ORG_PREPOSITIONS:
        org = org_after(doc, role_end + 1, ceiling, orgs)
    return role, org


def founding_clause(doc: Doc, i: int, ceiling: int, orgs: Mapping[int, str], rules: PeopleRules) -> tuple[str, str]:
    """ "Jane Roe, who founded Foo in 2012": the role the verb implies and its organisation."""
    i = skip_on(doc, i)
    if i + 1 >= ceiling or doc[i].lower_ != "who":
        return "", ""
    verb = doc[skip_on(doc, i + 1)]
    role = rules.founding_verbs.get(verb.lemma_.lower()) or rules.founding_verbs.get(verb.lower_.removesuffix("ed"))
    org = org_after(doc, verb.i + 1, ceiling, orgs) if role else ""
    return (role, org) if org else ("", "")


def org_antecedent(doc: Doc, i: int, orgs: Mapping[int, str]) -> str:
    """The organisation named last before token i, within the two sentences before."""
    sent = doc[i].sent
    floor = sent.start
    for _ in range(2):
        floor = doc[floor - 1].sent.start if floor > 0 else 0
    for j in range(i - 1, floor - 1, -1):
        if j in orgs:
            return orgs[j]
    return ""


def org_end(orgs: Mapping[int, str], i: int) -> int:
    """Index just past the organisation mention that covers token i."""
    name = orgs[i]
    while i in orgs and orgs[i] == name:
        i += 1
    return i


def describe(doc: Doc, people: list[Person], orgs: Mapping[int, str], rules: PeopleRules) -> None:
    """Fill each person's role and organisation from the first mentions that state them."""
    for person in people:
        for start, end in sorted(person.mentions):
            for role, org in (role_before(doc, start, orgs, rules), role_after(doc, end, orgs, rules)):
                person.role = person.role or role
                person.organization = person.organization or org
            if person.role and person.organization:
                break


def find_people(doc: Doc, names: list[tuple[int, int]], blocked: set[int], orgs: Mapping[int, str],
                rules: PeopleRules | None = None) -> list[Person]:
    """People with their mentions, roles and organisations; `orgs` maps a token to the
    canonical organisation whose mention covers it."""
    rules = rules or people_rules()
    people = group_people(doc, names, blocked)
    describe(doc, people, orgs, rules)
    return people
