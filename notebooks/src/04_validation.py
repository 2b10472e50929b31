# %% [markdown]
# # Validation: are the tags right?
#
# **You will learn** to check automated frame tags against human coding, the
# way a reviewer will ask you to: draw a coding sample, write a coding sheet,
# code it, measure agreement between two coders with Krippendorff's alpha,
# find and settle disagreements, score the dictionary tagger against the
# settled codes, train a classifier on them, evaluate it honestly, and let it
# tell you which units to code next.
#
# **You need** the project installed (`.venv/bin/jupyter lab notebooks/`),
# the bundled sample corpus, and the two coding sheets in `notebooks/data/`
# (`coding_coder_a.csv`, `coding_coder_b.csv`: two coders' codes of the
# sample this notebook draws, so agreement can be computed in class). In
# class you code the sheet yourself and replace the first coder's file with
# yours (section 3). About 45 minutes; the notebook runs offline in under a
# minute.

# %% [markdown]
# ## 1. Draw a coding sample
#
# Code a random sample, not the units you happened to look at. Stratifying by
# role with equal allocation makes sure the few comments are in it;
# `random_state` makes the sample the same for everybody in the class.

# %%
%matplotlib inline
from pathlib import Path

import pandas as pd

import analysis
import threads

pd.set_option("display.max_colwidth", 100)

corpus = threads.sample_corpus()
CATEGORIES = list(analysis.load_codebook("surveillance").categories)

sample = analysis.draw_sample(corpus, 30, stratify="role", allocation="equal", random_state=0)
sample["stratum"].value_counts()

# %%
sample[["unit_id", "outlet", "role", "text"]].head(10)

# %% [markdown]
# ## 2. Write a coding sheet
#
# The sheet has one row per unit (with the comment it answers, for replies)
# and one column per frame. The Excel file has a second tab with each frame's
# definition, inclusion and exclusion notes, so coders code from the
# definitions, not from the cue lists. (Write `.csv` instead of `.xlsx` if
# your coders prefer a plain file.)

# %% [markdown]
# The sheet is written only once: when you run the notebook again, the sheet
# you have coded is kept (delete the file to start from a blank sheet).

# %%
sheet_path = Path("coding/my_sheet.xlsx")
if sheet_path.exists():
    print(f"{sheet_path} already exists: keeping your coding")
else:
    analysis.write_coding_sheet(sample, "surveillance", sheet_path, coder="me")
    print(f"wrote {sheet_path}: a blank sheet for you to code")
pd.read_excel(sheet_path, sheet_name=None).keys()

# %%
pd.read_excel(sheet_path, sheet_name="about")

# %% [markdown]
# ## 3. Code it
#
# Open `coding/my_sheet.xlsx` (in this notebook's folder), write your name in
# the `coder` column and code every unit: 1 if the frame is present, 0 if
# not. Keep notes on hard cases in `notes`. This takes about 20 minutes.
#
# **Your turn:** when you have coded the sheet, change `my_sheet` below to
# `"coding/my_sheet.xlsx"`. Until then the notebook uses the sheet of a
# first coder, Ana, shipped in `data/`. The second coder, Ben, coded the same
# sample.

# %%
my_sheet = "data/coding_coder_a.csv"  # <- "coding/my_sheet.xlsx" once you have coded it
second_sheet = "data/coding_coder_b.csv"

codes = analysis.read_coding_sheets([my_sheet, second_sheet], codebook="surveillance")
codes.head()

# %% [markdown]
# `read_coding_sheets` checks every code against the codebook: a typo such as
# `yes?` or a frame name that does not exist stops with the file, the row and
# the value, so a coding mistake cannot slip into your numbers.

# %% [markdown]
# ## 4. Agreement: Krippendorff's alpha
#
# Alpha compares the disagreement the coders show with the disagreement
# expected by chance: 1 is perfect agreement, 0 no better than chance. A
# common rule (Krippendorff 2004) accepts alpha >= 0.8, and draws tentative
# conclusions from 0.667 to 0.8. The bootstrap interval shows how uncertain
# alpha is with only 30 units (`alpha_low` to `alpha_high`, a 95% interval).

# %%
report = analysis.reliability_report(codes, n_boot=500)
report[["category", "alpha", "alpha_low", "alpha_high", "percent_agreement", "n_units"]].round(2)

# %% [markdown]
# Percent agreement looks much better than alpha for rare frames: two coders
# who both say "absent" most of the time agree often by chance. That is why
# papers report alpha.

# %% [markdown]
# ## 5. Find and settle the disagreements
#
# The numbers say *where* the coders disagree; the units say *why*. Read the
# disagreements on the least reliable frame together with the coders' notes.

# %%
pairs = codes.pivot_table(index=["unit_id", "category"], columns="coder", values="code",
                          aggfunc="first").reset_index()
coders = [c for c in pairs.columns if c not in ("unit_id", "category")]
disagree = pairs[pairs[coders[0]] != pairs[coders[1]]]
disagree["category"].value_counts()

# %%
weakest = report.loc[report["category"].isin(CATEGORIES)].sort_values("alpha")["category"].iloc[0]
notes = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)[["unit_id", "notes"]]
                   for p in (my_sheet, second_sheet) if str(p).endswith(".csv")])
notes = notes[notes["notes"] != ""].groupby("unit_id")["notes"].agg(" / ".join)
texts = corpus.units.set_index("unit_id")["text"]
table = disagree[disagree["category"] == weakest].assign(
    text=lambda d: d["unit_id"].map(texts), notes=lambda d: d["unit_id"].map(notes).fillna(""))
print(f"Disagreements on {weakest!r}:")
table

# %% [markdown]
# **Discuss:** is the disagreement about the text (one coder misread it) or
# about the definition (both read it right and the definition allows both
# answers)? The second kind means the codebook needs a sharper rule, for
# example: "police training of another country is security *and*
# geopolitics" or "a product name such as *Public Safety Solution* is not a
# security frame".
#
# After the discussion, settle each disagreement and record the decision.
# Here, the class followed the first coder on every disagreement; in your
# own project, write down each decision.

# %%
settled_by = coders[0]
gold = (pairs.set_index(["unit_id", "category"])[settled_by].unstack("category")
        .reindex(columns=CATEGORIES).astype(int))
gold.sum().rename("units coded present")

# %% [markdown]
# ## 6. How good is the dictionary tagger?
#
# Score the codebook's tags against the settled codes: **precision** (of
# the units the tagger tags, how many are right) and **recall** (of the units
# that carry the frame, how many the tagger finds).

# %%
from analysis.validation.evaluation import score_predictions

coded_units = corpus.units.set_index("unit_id").loc[gold.index].reset_index()
dictionary = analysis.tag(coded_units).wide().reindex(gold.index)[CATEGORIES].astype(int)
dict_report = score_predictions(gold, dictionary, classes=CATEGORIES, multilabel=True,
                                model_name="surveillance codebook", setting="coded sample")
dict_report.scores()[["precision", "recall", "f1", "support"]].round(2)

# %%
dict_report.figure();

# %% [markdown]
# Another way to say the same: treat the tagger as a third coder. If alpha
# drops when it joins, it agrees with the humans less than they agree with
# each other.

# %%
as_coder = dictionary.rename_axis(columns="category").stack().rename("code").reset_index().assign(coder="tagger")
with_tagger = pd.concat([codes, as_coder[codes.columns]], ignore_index=True)
pd.DataFrame({
    "humans": report.set_index("category")["alpha"],
    "humans + tagger": analysis.reliability_report(with_tagger, n_boot=0).set_index("category")["alpha"],
}).round(2)

# %% [markdown]
# ## 7. Train a classifier on your codes
#
# A supervised model learns from the coded units instead of a cue list. It
# combines words, character n-grams and the codebook's cues. With 30 coded
# units this is a demonstration of the workflow, not a usable model:
# whataboutism (one coded example) cannot be learned at all and is left out.
# Without calibration the scores are not probabilities, which is fine for
# ranking units.

# %%
learnable = [c for c in CATEGORIES if gold[c].sum() >= 3]
model = analysis.FrameClassifier(codebook="surveillance", min_df=1, calibrate=False)
model.fit(coded_units, gold[learnable].reset_index(drop=True))
model.tag(coded_units).head(6)

# %% [markdown]
# Never evaluate a model on the units it was trained on. Cross-validation
# trains on four fifths of the codes and predicts the fifth, five times over.

# %%
cv_report = analysis.cross_validate_model(
    analysis.FrameClassifier(codebook="surveillance", min_df=1, calibrate=False),
    coded_units, gold[learnable].reset_index(drop=True), cv=5,
)
cv_report.scores()[["precision", "recall", "f1", "support"]].round(2)

# %% [markdown]
# ## 8. Decide what to code next
#
# Coding time is the scarce resource. `suggest_next` ranks the units not yet
# coded by how unsure the model is about them (a score near 0.5 on some
# frame): coding those teaches the model most. Write them into the next
# round's sheet.

# %%
next_units = analysis.suggest_next(model, corpus, n=10, exclude=gold.index)
next_units[["unit_id", "uncertainty", "text"]].round(3)

# %%
round2 = corpus.units[corpus.units["unit_id"].isin(next_units["unit_id"])]
round2_path = Path("coding/round2.xlsx")
if round2_path.exists():
    print(f"{round2_path} already exists: keeping your coding")
else:
    analysis.write_coding_sheet(round2, "surveillance", round2_path, coder="")
    print(f"wrote {round2_path}: the {len(round2)} units to code in the next round")

# %% [markdown]
# ## 9. With more coded data: articles against comments
#
# threadframe bundles FrAC (Guida et al. 2025): 523 sentences from Globe and
# Mail opinion articles and their reader comments, each coded with one frame
# of the Media Frames Corpus. It shows a question that matters for this
# field: does a model trained on **articles** work on **comments**?

# %%
frac = analysis.load_frac()
frac = frac[frac["type"] != "unknown"]
frac.groupby("type")["frame"].value_counts().unstack(0).head(10)

# %%
articles, comments = frac[frac["type"] == "article"], frac[frac["type"] == "comment"]
transfer = analysis.FrameClassifier().fit(articles, articles["frame"])
transfer_report = analysis.evaluate_model(transfer, comments, comments["frame"],
                                          setting="training on articles, testing on comments")
pooled_report = analysis.cross_validate_model(analysis.FrameClassifier(), frac, frac["frame"],
                                              cv=5, groups=frac["type"])
pd.DataFrame({
    "trained on articles only": [transfer_report.macro_f1, transfer_report.scores().loc["micro avg", "f1"]],
    "5-fold CV on both": [pooled_report.scores("comment").loc["macro avg", "f1"],
                          pooled_report.scores("comment").loc["micro avg", "f1"]],
}, index=["macro-F1 on comments", "micro-F1 on comments"]).round(2)

# %% [markdown]
# Readers frame an issue in their own words: a model that has only seen
# articles misses much of it. Code comments as well as articles.
#
# Every report writes a paragraph for your methods section (adapt it, and
# add the human agreement from section 4):

# %%
print(pooled_report.methods_text())

# %% [markdown]
# ## Your turn
#
# 1. Which frame would you work on first: the one with the lowest alpha, or
#    the one the tagger gets most wrong? Why?
# 2. Code `coding/round2.xlsx`, add it to the list of sheets in section 3 and
#    run the notebook again. Does the cross-validated F1 move?
# 3. Rewrite the definition of the least reliable frame (notebook 03 shows
#    how to edit a codebook) and code a fresh sample with it.
