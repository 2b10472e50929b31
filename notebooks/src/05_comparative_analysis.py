# %% [markdown]
# # Comparative analysis for a paper
#
# **You will learn** the comparisons a framing paper makes, each with the
# statistics a reviewer expects and a figure ready for submission: frames by
# outlet with intervals that respect that paragraphs come clustered in
# articles; tests with effect sizes and corrections for multiple testing;
# articles against their comment sections; how frames travel down reply
# trees; the words that set outlets apart; and how one story changes as it
# moves from a wire report to other outlets. Every figure is saved as PDF,
# SVG and PNG with the data behind it and a caption.
#
# **You need** the project installed (`.venv/bin/jupyter lab notebooks/`),
# the bundled sample corpus and the example threads in `notebooks/data/`.
# Runs offline in under a minute. Notebooks `01` (workflow) and `04`
# (validation) come first: the tags here come from the dictionary, which you
# should validate before you report numbers from it.
#
# A warning that belongs in every such analysis: the sample corpus has one
# document per outlet, so the outlet comparisons describe these documents,
# not the outlets. With your own corpus (many articles per outlet), the same
# code gives intervals and tests about the outlets.

# %% [markdown]
# ## 1. The corpus and the tags

# %%
%matplotlib inline
from pathlib import Path

import pandas as pd

import analysis
import threads

FIGURES = Path("figures")  # everything for the paper lands here
ARTICLE = ("title", "body")

corpus = threads.sample_corpus()
result = analysis.tag(corpus)
categories = list(result.codebook.categories)
corpus.docs[["doc_id", "outlet", "outlet_kind"]].merge(
    corpus.summary()[["doc_id", "n_title", "n_body", "n_comment"]], on="doc_id")

# %% [markdown]
# ## 2. Frames by outlet
#
# `prevalence` gives, per outlet and frame, the share of article units
# carrying the frame with a 95% interval. The interval comes from a cluster
# bootstrap over documents and comment threads where there are enough of
# them (`ci_method` says which), otherwise from the Wilson interval.

# %%
prev = analysis.prevalence(result.tags, corpus, by="outlet", roles=ARTICLE, categories=categories,
                           n_boot=1000, seed=1)
prev[["outlet", "category", "n_units", "n_present", "share", "ci_low", "ci_high", "ci_method"]].head(8).round(2)

# %%
fig = analysis.plot_prevalence(prev, "outlet", categories=categories)
fig

# %% [markdown]
# Do the outlets differ? `compare_groups` tests each frame (chi-square or
# Fisher's exact test, or a cluster permutation test with `test="permutation"`),
# reports Cramér's V as the effect size and corrects the p-values for testing
# six frames (Holm, and Benjamini-Hochberg in `p_bh`). But here every outlet
# contributes one article: paragraphs of one article are not independent, so
# no test can tell the outlets apart from those five articles. The table says
# so (`descriptive`, no p-value) and keeps the shares and Cramér's V as a
# description of these documents.

# %%
tests = analysis.compare_groups(result.tags, corpus, by="outlet", roles=ARTICLE,
                                categories=categories, pairwise=False)
tests[["category", "descriptive", "test", "min_group_docs", "p_value", "cramers_v"]].round(3)

# %% [markdown]
# Stance works the same way: the stance table has one label per unit.

# %%
stance = analysis.prevalence(result.stance, corpus, by="outlet", roles=ARTICLE, n_boot=1000, seed=1)
stance.pivot(index="outlet", columns="category", values="share").round(2)

# %% [markdown]
# ## 3. Articles against their comments
#
# Do readers take up the article's frames? The sample has one comment
# section (Techdirt); we add the two example threads from `notebooks/data/`
# (a Reddit thread and a Disqus export, invented for teaching) to compare
# three.

# %%
extra = threads.concat([threads.read("data/reddit_ecuador_thread.json"),
                        threads.read("data/disqus_citywatch_export.xml")])
# The invented examples are labelled by platform; the sample corpus has outlets.
extra = extra.with_docs(extra.docs.assign(outlet=extra.docs["source_format"].map(
    {"reddit": "Reddit r/worldnews", "disqus": "CityWatch (Disqus)"})))
both = threads.concat([corpus, extra])
both_result = analysis.tag(both)

avc = analysis.article_vs_comments(both_result.tags, both, by=["outlet"], categories=categories,
                                   n_boot=1000, seed=1)
avc = avc[avc.groupby("outlet")["side"].transform("nunique") == 2]  # outlets with comments
avc.pivot_table(index="category", columns=["outlet", "side"], values="share").round(2)

# %%
fig_avc = analysis.plot_article_vs_comments(avc, "outlet", categories=categories)
fig_avc

# %% [markdown]
# ## 4. Down the reply tree
#
# Reply transitions ask: of the replies to a unit carrying frame A, how many
# carry frame B, against the base rate of B among all replies (`lift` above
# 1: B follows A more often than B in general)? The article counts as the
# parent of top-level comments, carrying the frames at least half its
# paragraphs carry. A share over a handful of replies is noise:
# `enough_replies` is False below `min_replies` (10) replies to the parent
# frame, the figure greys those cells, and they are not findings.

# %%
trans = analysis.transitions(both_result.tags, both, categories=categories, include_article=True)
trans[(trans["n_transitions"] > 0)].sort_values(["enough_replies", "lift"], ascending=False).head(8).round(2)

# %%
fig_trans = analysis.plot_transitions(trans)
fig_trans

# %% [markdown]
# What does whataboutism answer? Here the parents of the replies tagged as
# whataboutism:

# %%
analysis.answered_by(both_result.tags, both, "whataboutism", categories=categories).round(2)

# %% [markdown]
# And one thread drawn as a tree, each comment coloured by its first frame,
# whataboutism ringed:

# %%
fig_tree = analysis.plot_reply_tree(corpus.units, result.tags, "techdirt-ecuador", categories=categories)
fig_tree

# %% [markdown]
# ## 5. Words that set the outlets apart
#
# The weighted log-odds ratio with an informative Dirichlet prior (Monroe,
# Colaresi and Quinn 2008) finds the words each outlet uses more than the
# others, without the rare-word noise of raw frequencies. Read `z` against
# 1.96 (the dashed line; pale bars fall below it and are no evidence), and
# report the prior strength (`terms.attrs["prior_strength"]`): z depends on it.

# %%
terms = analysis.distinctive_terms(corpus, by="outlet", roles=ARTICLE, min_count=2)
terms[terms["rank"] <= 4][["group", "term", "count", "z"]].round(2)

# %%
fig_terms = analysis.plot_distinctive_terms(terms, k=6)
fig_terms

# %% [markdown]
# ## 6. One story across outlets
#
# Four documents report the same event: the public-security forum in
# Lianyungang. AFP wrote the story; UCA News ran it with cuts, LifeSiteNews
# rewrote it around its own promos, and an aggregator summarised it. Aligning
# their sentences shows what each version kept, paraphrased, added or left
# out, and `change_frames` says which frames travel with the added and the
# omitted sentences (the last table: the share of sentences of each kind, over
# all pairs of versions, that carry each frame).

# %%
article_units = corpus.select(ARTICLE).merge(corpus.docs[["doc_id", "outlet"]], on="doc_id")
story_docs = sorted(article_units.loc[article_units["text"].str.contains("Lianyungang"), "doc_id"].unique())
sentences = analysis.story_sentences(article_units[article_units["doc_id"].isin(story_docs)])
alignment = analysis.align_versions(sentences, by="outlet")
alignment["status"].value_counts()

# %%
matrix = analysis.alignment_matrix(alignment)
fig_story = analysis.plot_alignment_matrix(matrix)
fig_story

# %%
sentence_tags = analysis.tag(sentences).tags
moved = analysis.change_frames(alignment, sentence_tags, categories=categories)
by_status = moved.groupby(["status", "category"])[["n_present", "n_sentences"]].sum()
(by_status["n_present"] / by_status["n_sentences"]).unstack("status").loc[categories].round(2)

# %% [markdown]
# ## 7. Figures for submission
#
# `save_figure` writes each figure as PDF (vector, fonts embedded), SVG and
# PNG (300 dpi), plus the CSV of the data it plots and a caption file. Files
# are byte-identical on every run, so a re-run of the analysis shows up in
# version control only when a result changed. The caption is where the
# method and the caveats go.

# %%
captions = {
    "prevalence_by_outlet": (fig, prev,
        "Share of article paragraphs (title and body units) carrying each frame, by outlet "
        "(surveillance codebook v1.0, dictionary tagger). Whiskers: 95% intervals; open markers: "
        "Wilson intervals (one document per outlet)."),
    "article_vs_comments": (fig_avc, avc,
        "Share of units carrying each frame in the article and in its comment section. "
        "Reddit and CityWatch threads are invented teaching examples."),
    "reply_transitions": (fig_trans, trans,
        "Of the replies to a unit carrying the row's frame, the share carrying the column's frame; "
        "the article is the parent of top-level comments."),
    "reply_tree_techdirt": (fig_tree, corpus.units[corpus.units["doc_id"] == "techdirt-ecuador"],
        "The Techdirt comment thread: comments coloured by their first frame, whataboutism ringed."),
    "distinctive_terms": (fig_terms, terms[terms["rank"] <= 6],
        "Words most distinctive of each outlet's article text (weighted log-odds with an "
        "informative Dirichlet prior, Monroe et al. 2008)."),
    "story_alignment": (fig_story, matrix,
        "One story, several versions: share of the reference version's sentences (column) "
        "that each version (row) carries."),
}
written = []
for stem, (figure, data, caption) in captions.items():
    written += analysis.save_figure(figure, data, FIGURES / stem, caption)
pd.DataFrame({"file": [str(p) for p in written]}).groupby(
    lambda i: Path(written[i]).suffix).size().rename("files")

# %% [markdown]
# Journals often want a multi-panel figure. Every plotting function accepts
# `ax=`, so panels compose in one figure of the journal's page width.

# %%
from matplotlib.figure import Figure

with analysis.house_style():
    panel = Figure(figsize=(7.0, 3.6), layout="constrained")
    left, right = panel.subplots(1, 2)
    analysis.plot_prevalence(prev, "outlet", categories=categories, ax=left)
    analysis.plot_alignment_matrix(matrix, ax=right)
    left.set_title("a  Frames by outlet", loc="left")
    right.set_title("b  One story, four versions", loc="left")
analysis.save_figure(panel, prev, FIGURES / "figure1_two_panels",
                     "a: frame shares by outlet; b: sentence alignment of the story's versions.")
panel

# %% [markdown]
# ## Your turn
#
# 1. Compare by `outlet_kind` instead of `outlet` (the docs table has it):
#    change `by=` in section 2. Which kinds of outlet frame the story as
#    rights?
# 2. Repeat section 2 with `min_docs=1` in `compare_groups`: it now tests the
#    paragraphs as if they were independent. Why does that overstate what five
#    articles can show? What would you need to collect to test outlets?
# 3. Write the caption you would submit for the article-vs-comments figure,
#    including what the reader must know about the data.
