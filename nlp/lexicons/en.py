"""English marker words for the pain-point component (data only).

Cue words per category live in ``data/patterns/en/*.jsonl``; these are the function words and
short phrases that change how cues are read: negation, intensity, contrast, hypotheticals.
"""

__all__ = [
    "NEGATORS", "INTENSIFIERS", "CONTRAST_MARKERS", "CONCESSIVE_MARKERS", "HYPOTHETICAL_MARKERS", "HYPOTHETICAL_CONSEQUENTS",
    "SERVANT_VOICE", "SERVANT_VOICE_ENDINGS", "OWN_SYSTEM_POSSESSIVES", "OWN_SYSTEM_WORDS",
    "NOTHING_ANSWERS",
    "IMPROVEMENT_QUESTION_CUES", "NEED_OPENERS", "WAIT_QUESTION_CUES", "REPEAT_QUESTION_CUES",
    "ABBREVIATIONS", "SENTENCE_FINAL_ABBREVIATIONS",
]

# A cue preceded (within a few tokens, same clause) by one of these is read as negated.
NEGATORS = (
    "not", "n't", "no", "never", "nobody", "no one", "noone", "nothing", "none", "neither", "nor",
    "without", "hardly", "barely", "nt", "dont", "didnt", "wasnt", "isnt", "werent", "cant",
    "couldnt", "wont", "wouldnt", "havent", "hasnt", "hadnt", "aint", "lack of", "zero",
)

INTENSIFIERS = (
    "very", "really", "so", "extremely", "totally", "completely", "absolutely", "utterly",
    "incredibly", "terribly", "awfully", "seriously", "such", "too", "ridiculously", "super",
    "highly", "deeply", "way too", "at all", "whatsoever", "ever", "literally", "truly",
    "horribly", "insanely", "most",
)

# The clause after these carries the speaker's point ("kind, but I waited four hours").
CONTRAST_MARKERS = (
    "but", "however", "although", "though", "yet", "except", "apart from", "other than",
    "despite", "even though", "whereas", "unfortunately", "sadly", "only thing", "only problem",
    "only issue", "only complaint", "shame", "pity",
)

# Contrast markers that open a concession at the start of a sentence ("Although it was clean, ..."):
# the point comes after the concession's first comma.
CONCESSIVE_MARKERS = ("although", "though", "even though", "despite", "in spite of", "while", "whilst", "even if", "apart from", "other than", "except")

# Cues inside a clause opened by these describe what did not happen.
HYPOTHETICAL_MARKERS = (
    "if", "in case", "unless", "whether", "what if", "suppose", "imagine", "hopefully",
)

# An obligation that ends such a clause without a comma: "if you want it quickly | you have to
# know someone" (what follows is what happens, not a hypothesis).
HYPOTHETICAL_CONSEQUENTS = tuple(
    f"{who} {must}" for who in ("you", "i", "we", "they", "people")
    for must in ("have to", "need to", "must", "'ve got to", "have got to", "got to", "gotta")
)

# Whole answers that mean "no problem" to an improvement question.
NOTHING_ANSWERS = (
    "nothing", "none", "no", "n/a", "na", "nil", "nope", "no comment", "no comments",
    "nothing really", "not really", "nothing at all", "nothing to add", "nothing else",
    "nothing to improve", "can't think of anything", "cannot think of anything", "all good",
    "nothing i can think of", "no improvement needed", "no improvements", "not applicable",
    "nothing comes to mind", "keep it up", "keep up the good work", "carry on",
    "nothing, thank you", "nothing thank you", "nothing thanks", "no thanks", "don't know",
    "dont know", "not sure", "unsure",
)

# Question wording that asks for problems or improvements: a suggestion answering it is a pain.
IMPROVEMENT_QUESTION_CUES = (
    "improve", "better", "change", "dissatisfied", "problem", "difficult", "wrong", "worst",
    "frustrat", "complain",
)

# A sentence opening with one of these and negating later ("Without the permit we can't open")
# states a need, not an experienced pain: read as hypothetical.
NEED_OPENERS = ("without",)

# First person plural: with a tool word in the sentence ("manually", "on paper", "spreadsheet"),
# the staff speak of their own work, and doing it twice is their tools' pain, not a citizen asked
# again ("we type every claim in twice by hand").
SERVANT_VOICE = ("we", "our", "us", "ourselves")
SERVANT_VOICE_ENDINGS: tuple[str, ...] = ()

# "Our database crashes": staff speaking of their own system; its failure is an internal-tools
# pain (DESIGN section 4), while "the system was down" told by a citizen is a channel failure.
OWN_SYSTEM_POSSESSIVES = ("our",)
OWN_SYSTEM_WORDS = ("system", "systems", "database", "databases", "software", "server", "servers", "network",
                    "computers", "computer", "terminal", "terminals", "intranet", "platform", "application")

# Question wording (folded, lower case; substrings) that asks how long something took or how many
# times: a bare duration or count answering it ("About four hours.") is a waiting / repetition pain.
WAIT_QUESTION_CUES = ("how long", "wait", "queue", "in line", "take to", "did it take", "took")
REPEAT_QUESTION_CUES = (
    "how many times", "how often", "how many visits", "how many trips", "how many calls", "go back",
    "come back", "return",
)

# Tokens that end with a period but do not end a sentence (tokenizer special cases).
ABBREVIATIONS = (
    "Mr.", "Mrs.", "Ms.", "Dr.", "Drs.", "Prof.", "Sr.", "Jr.", "St.", "Mt.", "Ave.", "Rd.",
    "Blvd.", "Dept.", "Govt.", "Inc.", "Ltd.", "Co.", "Corp.", "vs.", "etc.",
    "e.g.", "i.e.", "approx.", "a.m.", "p.m.", "A.M.", "P.M.", "Jan.", "Feb.", "Mar.", "Apr.",
    "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "min.", "hr.", "hrs.",
    "B/.", "U.S.", "U.K.",
)

# Abbreviations that may also close a sentence: split after them when a capital follows.
SENTENCE_FINAL_ABBREVIATIONS = ("etc.", "a.m.", "p.m.", "A.M.", "P.M.", "U.S.", "U.K.")
