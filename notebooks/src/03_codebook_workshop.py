# %% [markdown] tags=["exercise"]
# # Codebook workshop (class exercise, 60-90 minutes)
#
# **You will learn** how a dictionary-based frame tagger decides, and how to
# argue with it: read a codebook, tag a corpus, trace every tag to the words
# that produced it, find a tag that is wrong, then copy the codebook, fix the
# cue that misfired, add a frame of your own, re-tag and discuss what changed.
#
# **You need** the project installed (`.venv/bin/jupyter lab notebooks/`), the
# bundled sample corpus (five articles about China exporting surveillance
# technology, one with reader comments) and a partner to discuss with. No
# programming beyond editing the cells marked **Your turn**; each has hints,
# and every cell runs as it is, so you can always go on. The teacher has the
# solutions in `03_codebook_workshop_solutions.ipynb`.
#
# | part | what | minutes |
# | --- | --- | --- |
# | 1 | Read the codebook | 10-15 |
# | 2 | Tag the corpus | 10 |
# | 3 | Inspect the evidence, find a wrong tag | 15-20 |
# | 4 | Edit the codebook: fix a cue, add a frame | 20-25 |
# | 5 | Re-tag and discuss what changed | 10-20 |

# %% [markdown] tags=["solution"]
# # Codebook workshop: solutions
#
# **You will learn** (as the teacher) one way through every exercise of
# `03_codebook_workshop.ipynb`, with the reasoning to discuss in class. The
# cells tagged as solutions replace the students' "Your turn" cells; the rest
# of the notebook is the same.
#
# **You need** the project installed (`.venv/bin/jupyter lab notebooks/`) and
# the bundled sample corpus. Runs offline in under a minute.

# %% [markdown]
# ## Part 1. Read the codebook (10-15 min)
#
# A **codebook** says what each frame means and which words and phrases
# (**cues**) signal it. threadframe ships one for this topic, `surveillance`.
# Read the definitions the way a human coder would, before looking at any
# cue.

# %%
%matplotlib inline
from pathlib import Path

import pandas as pd

import analysis
import threads

pd.set_option("display.max_colwidth", 120)

codebook = analysis.load_codebook("surveillance")
codebook

# %% [markdown]
# Each category has a definition, notes on what to include and exclude, and
# examples. Here is one in full:

# %%
rights = codebook["rights"]
print(rights.definition, "\n\nInclude:", rights.include, "\n\nExclude:", rights.exclude)

# %% [markdown]
# And these are the cues the tagger looks for: `*` at the end of a word is a
# wildcard (`repress*` matches *repression*, *repressive*), multi-word cues
# match as phrases, and `not_near` lists phrases that cancel a cue when they
# occur within a few words of it. A frame is **present** when the weights of
# its matched cues add up to its threshold (here 1: one cue is enough).

# %%
cues = codebook.cues()
cues[cues["category"] == "rights"].head(15)

# %% [markdown]
# ### Exercise 1: code it yourself first
#
# Read the three sentences below and decide, **without running anything**,
# which frames each carries. Write your answer in the cell (a list of
# category names), then run the cells to see what the tagger says.
#
# <details><summary>Hint</summary>
#
# Go back to the definitions above, not to the cue list. A sentence can carry
# several frames, or none. Whataboutism is a rhetorical move (deflecting
# criticism onto someone else), not a topic.
# </details>

# %%
sentences = [
    "The cameras helped the police catch a fugitive within hours.",
    "What about the NSA? The US spies on everyone and nobody complains.",
    "Huawei sold the platform to the government for 40 million dollars.",
]

# %% tags=["exercise"]
# Your turn: one list of frames per sentence, e.g. ["security", "technology"].
my_coding = [
    [],
    [],
    [],
]

# %% tags=["solution"]
# One defensible coding; discuss the borderline calls.
my_coding = [
    ["security", "technology"],  # police, a fugitive; the cameras are the technology
    ["whataboutism"],           # deflects criticism of China onto the US (also: geopolitics?)
    ["economy", "technology"],  # a sale and its price; the platform
]

# %%
quick = analysis.tag(sentences)
machine = quick.wide()
comparison = pd.DataFrame({
    "sentence": sentences,
    "you": [", ".join(sorted(c)) for c in my_coding],
    "tagger": [", ".join(c for c in machine.columns if machine.iloc[i][c]) for i in range(len(sentences))],
})
comparison

# %% [markdown]
# Where you and the tagger differ, ask it why: `analysis.explain` lists the
# cues that matched (or says that none did).

# %%
analysis.explain(sentences[1], "geopolitics")

# %% [markdown]
# ## Part 2. Tag the corpus (10 min)
#
# Now tag every title, body paragraph and comment of the sample corpus.

# %%
corpus = threads.sample_corpus()
units = corpus.units
result = analysis.tag(corpus)
result

# %% [markdown]
# ### Exercise 2: articles or comments?
#
# Do the readers under the Techdirt post use the same frames as the
# articles? Compute, for each frame, the share of **article** units
# (`title`, `body`) and of **comment** units that carry it.
#
# <details><summary>Hint</summary>
#
# `result.tags` has one row per unit and frame with a `present` column. Join
# the units' `role` onto it with `merge`, make a column that says "article"
# or "comment", and take the mean of `present` by that column and
# `category`. Comments whose text was lost in the scrape are not tagged.
# </details>

# %%
tagged = result.tags.merge(units[["unit_id", "role"]], on="unit_id")
tagged["side"] = tagged["role"].map({"title": "article", "body": "article", "comment": "comment"})
tagged.head()

# %% tags=["exercise"]
# Your turn: the share of units carrying each frame, articles against comments.
shares = tagged.groupby(["category", "side"])["present"].size().unstack()  # <- size counts rows; use mean
shares

# %% tags=["solution"]
shares = tagged.groupby(["category", "side"])["present"].mean().unstack().round(2)
shares.loc[list(codebook.categories)]

# %% [markdown] tags=["solution"]
# With only one comment section (a dozen comments with text), these shares are
# fragile: one comment moves a share by about ten points. That is a point to
# make in class, and `analysis.prevalence` (notebook 05) adds intervals.

# %% [markdown]
# ## Part 3. Inspect the evidence, find a wrong tag (15-20 min)
#
# Every tag rests on cue matches you can read. `result.show(unit_id)`
# highlights them, one colour per frame (hover over a highlight to see its
# frame).

# %%
def find_units(phrase):
    """Units whose text contains ``phrase`` (case-insensitive)."""
    hit = units["text"].str.contains(phrase, case=False, regex=False)
    return units.loc[hit, ["unit_id", "role", "text"]]


find_units("generous gifts")

# %%
gifts = find_units("generous gifts")["unit_id"].iloc[0]
result.show(gifts)

# %% [markdown]
# The weakest tags are those that rest on **a single cue**: one word decides.
# The table below lists them with a few words of context around the match.
# Read down the list as a coder would.

# %%
def single_cue_tags(result):
    """Tags that rest on one cue match, with the words around the match."""
    one = result.tags[result.tags["present"] & (result.tags["n_cues"] == 1)]
    ev = result.evidence.merge(one[["unit_id", "category"]], on=["unit_id", "category"])
    text = ev["unit_id"].map(result.units.set_index("unit_id")["text"])
    ev["context"] = [
        "..." + t[max(0, s - 45):e + 45].replace("\n", " ") + "..."
        for t, s, e in zip(text, ev["start"], ev["end"])
    ]
    return ev[["unit_id", "category", "cue", "matched", "context"]]


weak = single_cue_tags(result)
print(len(weak), "tags rest on a single cue")
weak.head(40)

# %% [markdown]
# ### Exercise 3: find a wrong tag
#
# Find one tag in the list above that a careful human coder would **not**
# give, according to the category's definition. Put its unit and category in
# the cell below and run `explain` on it. Then write down, in one sentence,
# why the tagger got it wrong.
#
# <details><summary>Hint 1</summary>
#
# Look for a cue that is right in one sense of the word and wrong in
# another: *monitor* a population, or *monitor* something else?
# </details>
#
# <details><summary>Hint 2</summary>
#
# `find_units("some words")` finds a unit by a phrase of its text, so you do
# not need to copy unit ids by hand.
# </details>

# %% tags=["exercise"]
# Your turn: replace the first row with the tag you think is wrong.
wrong_unit = weak["unit_id"].iloc[0]  # e.g. find_units("...")["unit_id"].iloc[0]
wrong_category = weak["category"].iloc[0]  # e.g. "rights"

# %% tags=["solution"]
# CEC used Chinese technology "to monitor environmental risks in the Amazon
# rainforest": that is monitoring nature, not people. The cue monitor* is a
# rights cue because monitoring *people* raises rights questions; here it
# fires on the other sense of the word.
wrong_unit = find_units("environmental risks")["unit_id"].iloc[0]
wrong_category = "rights"

# %%
result.explain(wrong_unit, wrong_category)

# %% [markdown]
# ## Part 4. Edit the codebook (20-25 min)
#
# Never edit the built-in codebook: copy it, give the copy its own name and
# version, and edit the copy. Then every tag says which codebook made it (the
# `source` column), and your results can be reproduced.

# %%
my_path = Path("my-codebook.yaml")
if my_path.exists():
    print(f"{my_path} already exists: keeping your edits (delete it to start again from the original)")
else:
    my_path.write_text(Path(codebook.source).read_text(encoding="utf-8"), encoding="utf-8")
    print(f"copied the {codebook.name!r} codebook to {my_path}")
print(my_path.read_text(encoding="utf-8")[:600])

# %% [markdown]
# The codebook is a plain YAML text file: you can open `my-codebook.yaml` in
# JupyterLab's file browser and edit it there. In this notebook we make the
# same edits with a small helper, so that the notebook runs from top to bottom
# and you can see each edit. Each edit is made once: run the notebook again
# and the edits already in the file (yours included) are kept.

# %%
def replace_once(path, old, new):
    """Replace the one occurrence of ``old`` in a text file with ``new`` (once: if
    ``new`` is already there, the edit was made before and the file is kept)."""
    text = Path(path).read_text(encoding="utf-8")
    if new == old:
        print("nothing to change yet: new is the same as old")
        return
    if new in text:
        print(f"already in {path}: {new.strip()}")
        return
    if text.count(old) != 1:
        raise ValueError(f"{old!r} occurs {text.count(old)} times in {path}; use a longer, unique piece")
    Path(path).write_text(text.replace(old, new), encoding="utf-8")


def add_category(path, block):
    """Add a category to the end of a codebook file, unless one of that name is there."""
    text = Path(path).read_text(encoding="utf-8")
    name = block.strip("\n").splitlines()[0]  # the category's name line, e.g. "  faith:"
    if f"\n{name}\n" in text:
        print(f"{name.strip()} is already in {path}: keeping it")
        return
    with Path(path).open("a", encoding="utf-8") as f:
        f.write(block)


replace_once(my_path, "name: surveillance\n", "name: surveillance-class\n")
replace_once(my_path, 'version: "1.0"', 'version: "1.0-workshop"')
analysis.load_codebook(my_path)

# %% [markdown]
# ### Exercise 4a: fix the cue that misfired
#
# Change the cue behind your wrong tag so that it no longer fires there, and
# still fires where it should. Options: a `not_near` list, a more specific
# phrase instead of a single word, or a lower `weight` (then one match alone
# no longer reaches the threshold).
#
# <details><summary>Hint</summary>
#
# In the file, a cue is either a plain line (`      - monitor*`) or a
# mapping: `      - {cue: monitor*, not_near: [environmental, rainforest]}`.
# Keep the indentation of the other cues. If the file has a mistake,
# `load_codebook` names the line.
# </details>

# %% tags=["exercise"]
# Your turn: replace the two strings (the old cue line and your new one).
old_cue = "      - monitor*\n"
new_cue = "      - monitor*\n"  # <- your fixed cue
replace_once(my_path, old_cue, new_cue)

# %% tags=["solution"]
# not_near keeps 'monitor' for people ("so authorities could monitor for
# illicit activity") and drops it near words about the environment.
old_cue = "      - monitor*\n"
new_cue = "      - {cue: monitor*, not_near: [environmental, environment, rainforest]}\n"
replace_once(my_path, old_cue, new_cue)

# %% [markdown]
# ### Exercise 4b: add a frame of your own
#
# Which way of talking about surveillance does the codebook miss? Think of
# the outlets in the corpus (a Catholic news agency, an advocacy site, a wire
# service, a tech blog). Write a category with a name (lower case, no
# spaces), a label, a definition and at least five cues, and add it to the
# end of the file (the categories are the last section of the codebook).
#
# <details><summary>Hint 1</summary>
#
# Ideas: faith communities and religious freedom; accountability and
# oversight of the police; sovereignty and dependence on a foreign supplier;
# public health (DNA testing, forensic medicine).
# </details>
#
# <details><summary>Hint 2</summary>
#
# Write the definition first, then the cues. For each cue ask: would this word
# ever appear in a unit that is *not* in my frame?
# </details>

# %% tags=["exercise"]
# Your turn: edit the name, label, definition and cues (keep the indentation).
my_frame = """
  my_frame:
    label: My frame
    definition: >-
      One or two sentences: what does a unit in this frame say about surveillance?
    cues:
      - first cue
      - second cue
"""

# %% tags=["solution"]
# Two of the outlets are religious; the rights frame mentions religion only
# in passing. A separate frame makes faith communities visible.
my_frame = """
  faith:
    label: Faith communities
    definition: >-
      The unit frames surveillance as a matter for religious communities:
      believers, churches, mosques and clergy watched, persecuted or protected,
      and religious freedom.
    include: >-
      Christians, Muslims and other believers as targets of surveillance;
      religious freedom; faith groups' reactions.
    exclude: >-
      Religion named only as a category of profiling in a list (code rights).
    cues:
      - religio*
      - faith*
      - church*
      - christian*
      - catholic*
      - muslim*
      - mosque*
      - believers
      - clergy
      - worship*
"""

# %%
add_category(my_path, my_frame)
my_codebook = analysis.load_codebook(my_path)
my_codebook

# %% [markdown]
# ## Part 5. Re-tag and discuss what changed (10-20 min)
#
# Tag the same corpus with your codebook and compare, frame by frame, how
# many units carry it before and after, and which units were gained or lost.

# %%
new_result = analysis.tag(corpus, codebook=my_codebook)


def what_changed(before, after):
    """Per category: units tagged before and after, gained and lost."""
    b, a = before.wide().astype(bool), after.wide().astype(bool)
    rows = []
    for cat in a.columns:
        was = b[cat] if cat in b.columns else pd.Series(False, index=b.index)
        now = a[cat].reindex(b.index, fill_value=False)
        rows.append({"category": cat, "before": int(was.sum()), "after": int(now.sum()),
                     "gained": int((now & ~was).sum()), "lost": int((was & ~now).sum())})
    return pd.DataFrame(rows)


what_changed(result, new_result)

# %%
def changed_units(before, after, category):
    """The units that gained or lost ``category``, with their text."""
    b, a = before.wide().astype(bool), after.wide().astype(bool)
    was = b[category] if category in b.columns else pd.Series(False, index=b.index)
    now = a[category].reindex(b.index, fill_value=False)
    change = pd.Series("", index=b.index)
    change[now & ~was], change[was & ~now] = "gained", "lost"
    out = change[change != ""].rename("change").reset_index()
    return out.merge(after.units[["unit_id", "text"]], on="unit_id")


changed_units(result, new_result, wrong_category)

# %%
changed_units(result, new_result, my_codebook.categories[-1])

# %% [markdown]
# The tags record which codebook made them, so results from the two versions
# can never be mixed up:

# %%
new_result.tags["source"].unique().tolist()

# %% [markdown]
# ### Discussion (in pairs, then with the class)
#
# 1. Your fix removed the wrong tag. Did it remove any tag that was right?
#    How would you know without reading every unit? (Notebook `04_validation`
#    answers this with a coded sample.)
# 2. Your new frame: which units did it find that no other frame had? Which
#    did it find that it should not? Compare with your partner's frame.
# 3. A cue list is a theory of how a frame is expressed. What kinds of
#    framing can a list of words never see (irony, a frame carried by what an
#    article leaves out, a picture)?
# 4. You changed the codebook after looking at this corpus. What does that
#    mean for using the same corpus to report how well the codebook works?

# %% [markdown] tags=["solution"]
# ### Notes for the discussion
#
# 1. The `not_near` fix is narrow: it only removes *monitor* next to words
#    about the environment, so the tags on "authorities could monitor for
#    illicit activity" stay. A coded sample (notebook 04) is how to check a
#    change without reading everything: precision and recall before and after.
# 2. The faith frame finds the paragraphs on Uyghurs and other Muslim
#    minorities (AFP, LifeSiteNews, UCA News), the report on the repression
#    of faith communities, cameras in houses of worship, and a Techdirt
#    comment on profiling by religion. Most of them also carry rights, which
#    is expected (a unit can carry several frames). Whether "Muslim
#    minorities in Xinjiang" is a faith frame or a rights frame is exactly
#    the kind of disagreement to settle in the definition.
# 3. Dictionaries see words, not meaning: sarcasm ("great, more cameras"),
#    frames built by omission or by the choice of sources, and negation ("this
#    is not about security") all escape them.
# 4. Tuning on the corpus you evaluate on overstates how well the codebook
#    works (overfitting): keep a coded sample aside that you never look at
#    while editing, and report agreement on that.
