# %% [markdown]
# # Quick start: from raw text to a figure
#
# **You will learn** the whole threadframe workflow on the five bundled
# documents about China exporting its surveillance technology: parse raw
# scrapes into tidy tables (articles and reader comments, with who replied to
# whom), tag frames and stance, look at the evidence behind a tag, compare
# outlets and draw a figure you could put in a paper.
#
# **You need** the project installed (`make demo` or `make test` creates
# `.venv/`; open this notebook with `.venv/bin/jupyter lab notebooks/`).
# Everything runs offline from data bundled with the package, in about half
# a minute. No programming beyond running cells is required; each cell says
# what it does.
#
# Next: `02_bring_your_own_threads` (your own data), `03_codebook_workshop`
# (editing the codebook), `04_validation` (checking the tags against human
# coding), `05_comparative_analysis` (the analysis for a paper).

# %% [markdown]
# ## 1. Raw text
#
# The sample corpus is five plain-text scrapes, as you would get them by
# copying a web page. Here is the start of the Techdirt post; further down the
# same file holds its reader comments.

# %%
import threads

paths = threads.sample_paths()
[p.name for p in paths]

# %%
techdirt = next(p for p in paths if p.name.startswith("techdirt"))
print(techdirt.read_text(encoding="utf-8")[:700])

# %% [markdown]
# ## 2. Parse into a corpus
#
# `threads.sample_corpus()` parses the five files and joins the bundled
# metadata (outlet, kind of outlet, title). A corpus is three tables:
# `docs` (one row per document), `units` (one row per paragraph or comment)
# and `problems` (whatever had to be repaired, so nothing is lost silently).
# With your own files you would write `threads.read("my/folder")`.

# %%
corpus = threads.sample_corpus()
corpus.docs[["doc_id", "outlet", "outlet_kind", "title"]]

# %% [markdown]
# Every unit has a **role**: `title` and `body` are the article, `comment` a
# reader comment, and `boilerplate` / `meta` are donation appeals, navigation,
# bylines and the like. They stay in the table, but the analysis leaves them
# out by default.

# %%
corpus.summary()

# %% [markdown]
# The Techdirt comments keep their reply structure: `parent_id` is the comment
# a reply answers and `depth` counts from 1 (a top-level comment). Comments
# whose text was lost in the scrape keep their row (and the flag
# `text_lost`) so the reply tree stays whole.

# %%
comments = corpus.units[corpus.units["role"] == "comment"]
comments[["unit_id", "parent_id", "depth", "subject", "flags", "text"]].head(8)

# %% [markdown]
# ## 3. Tag frames and stance
#
# `analysis.tag` matches the cue words and phrases of a **codebook** (here
# the built-in `surveillance` codebook) in every title, body paragraph and
# comment. The summary shows how many units carry each frame and the cues
# that fired most often.

# %%
%matplotlib inline
import analysis

result = analysis.tag(corpus)
result

# %% [markdown]
# The tags are a long table, one row per unit and frame, zeros included, so
# it is easy to count, filter and join:

# %%
result.tags.head(6)

# %% [markdown]
# ## 4. The evidence behind a tag
#
# Every tag can be traced to the words that produced it. `result.evidence`
# holds one row per cue match with its character offsets; `result.show`
# highlights them in the text, and `result.explain` says why a unit got (or
# did not get) a frame. Let us look at the first reader comment with text.

# %%
first_comment = comments.loc[comments["text"].str.len() > 0, "unit_id"].iloc[0]
evidence = result.evidence[result.evidence["unit_id"] == first_comment]
evidence[["category", "cue", "matched", "start", "end"]].head(10)

# %%
result.show(first_comment)

# %%
result.explain(first_comment, "rights")

# %% [markdown]
# ## 5. One comparison: frames by outlet
#
# `analysis.prevalence` computes the share of units carrying each frame in
# each group, with a 95% interval. We compare the outlets' **article text**
# (titles and body paragraphs). Each outlet has only one document here, so
# the intervals describe these documents, not the outlets in general.

# %%
prev = analysis.prevalence(result.tags, corpus, by="outlet", roles=("title", "body"), n_boot=500)
prev.pivot(index="category", columns="outlet", values="share").round(2)

# %% [markdown]
# ## 6. One figure
#
# Every plotting function takes such a table and returns a matplotlib figure
# in the house style (colour-blind-safe palette). (`%matplotlib inline`, run
# above, makes Jupyter draw figures in the notebook.)

# %%
fig = analysis.plot_prevalence(prev, "outlet", categories=result.codebook.categories)
fig

# %% [markdown]
# `analysis.save_figure` writes the figure as PDF, SVG and PNG together with
# the data behind it (CSV) and its caption, byte-identical on every run. The
# files land in `figures/` beside this notebook.

# %%
written = analysis.save_figure(
    fig, prev, "figures/quick_start_prevalence",
    caption="Share of article paragraphs carrying each frame, by outlet (surveillance codebook).",
)
[str(p) for p in written]

# %% [markdown]
# ## Where next
#
# - The whole analysis of the sample in one command: `threadframe demo`.
# - Your own pages and exports: `02_bring_your_own_threads`.
# - Is the dictionary right? Edit it in `03_codebook_workshop`, check it
#   against human coders in `04_validation`.
