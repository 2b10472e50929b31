# %% [markdown]
# # Bring your own threads
#
# **You will learn** how to turn the comment sections you collected into one
# threadframe corpus: a Reddit thread saved from its `.json` address, a saved
# WordPress article page with its comments, a Disqus export, and a spreadsheet
# of your own. You will see how replies are kept as a tree, how deleted, spam
# and missing comments are flagged instead of dropped, and how to check what a
# parser did with your file.
#
# **You need** the project installed (`.venv/bin/jupyter lab notebooks/`) and
# the small example files in `notebooks/data/` (they ship with the notebooks;
# the posts and names in them are invented). About 20 minutes; runs offline in
# a few seconds. It helps to have done `01_quick_start` first.

# %% [markdown]
# ## 1. What threadframe can read
#
# `threads.read` looks at each file's content and picks a format itself. The
# registry lists the formats it knows; pass `format="..."` to force one.

# %%
%matplotlib inline
import pandas as pd

import threads
from threads.formats import registry

pd.DataFrame(
    [(f.name, f.description) for f in registry().values()], columns=["format", "what it reads"]
)

# %% [markdown]
# ## 2. A Reddit thread
#
# Add `.json` to a Reddit thread's address and save what your browser shows:
# that is the file below. The post becomes the article (`title`, `body`), the
# comments keep who answered whom in `parent_id` and `depth`.

# %%
reddit = threads.read("data/reddit_ecuador_thread.json")
reddit

# %%
reddit.docs[["doc_id", "outlet", "title", "published", "source_format"]]

# %%
reddit.units[["unit_id", "role", "parent_id", "depth", "author", "flags", "text"]]

# %% [markdown]
# Two things to notice:
#
# - The deleted comment keeps its row (empty text, flag `deleted`), so the
#   reply under it still has a parent.
# - Reddit leaves some replies out of the page ("load more comments"). They
#   become a `meta` row flagged `more_stub`, and `problems` says what is
#   missing, so you know the thread is incomplete.

# %%
reddit.problems[["unit_id", "problem", "detail"]]

# %% [markdown]
# ### Reading a thread as a tree
#
# Units are in reading order; indenting each comment by its depth shows the
# conversation.

# %%
def print_thread(corpus, doc_id=None):
    """Print the comments of one document, indented by reply depth."""
    units = corpus.units
    if doc_id is not None:
        units = units[units["doc_id"] == doc_id]
    for row in units[units["role"] == "comment"].itertuples():
        who = row.author if isinstance(row.author, str) else "?"
        text = row.text[:70] or f"({row.flags})"
        print("    " * (row.depth - 1) + f"- {who}: {text}")


print_thread(reddit)

# %% [markdown]
# ## 3. A saved WordPress page
#
# Save an article page from your browser ("Save page as", HTML only). The
# WordPress parser separates the article from the comment section, and marks
# navigation, share buttons and the "Leave a reply" box as `boilerplate` and
# bylines as `meta`: they stay in the table, and the analysis leaves them out.
#
# When you know what kind of file you have, say so with `format=`: if the
# file is not what you think, you get an error instead of a corpus parsed the
# wrong way (without it, an HTML page that no HTML parser recognises would be
# read as plain text).

# %%
page = threads.read("data/wordpress_expo_post.html", format="wordpress")
page.units[["role", "depth", "author", "text"]]

# %% [markdown]
# The **audit** says how much of the page's text ended up in each role, and
# how many characters no unit accounts for (ideally 0): a quick check that
# the parser did not lose part of your page.

# %%
page.audit()

# %% [markdown]
# ## 4. A Disqus export
#
# Site owners can export all their Disqus comments as one XML file. Each
# Disqus thread becomes a document. Deleted comments and spam stay in the
# table with a flag.

# %%
disqus = threads.read("data/disqus_citywatch_export.xml")
disqus.units[["unit_id", "depth", "author", "flags", "text"]]

# %%
print_thread(disqus)

# %% [markdown]
# To leave spam out of an analysis, filter on the flag: the `flags` column
# holds semicolon-separated words, so test for the word.

# %%
is_spam = disqus.units["flags"].str.contains(r"\bspam\b", regex=True)
disqus.units.loc[~is_spam & (disqus.units["role"] == "comment"), ["author", "text"]]

# %% [markdown]
# ## 5. One corpus from many sources
#
# `threads.concat` puts corpora together; `threads.read` also takes a list of
# files or a whole folder (`threads.read("my_pages/")`).

# %%
combined = threads.concat([reddit, page, disqus])
combined.summary()[["doc_id", "outlet", "source_format", "n_title", "n_body", "n_comment", "max_depth"]]

# %% [markdown]
# ## 6. Your own spreadsheet
#
# Perhaps you collected comments by hand or with another tool. Any table with
# a text column becomes a corpus with `threads.Corpus.from_pandas`: name your
# columns with the keyword arguments.

# %%
mine = pd.read_csv("data/my_comments.csv")
mine

# %%
own = threads.Corpus.from_pandas(
    mine,
    doc_id="article",
    unit_id="comment_id",
    parent_id="reply_to",
    text="comment",
    author="commenter",
    published="posted",
)
own.units[["unit_id", "parent_id", "depth", "author", "published", "text"]]

# %% [markdown]
# ### Your articles and their comments together
#
# Usually you also have the articles: one row per article with its outlet,
# headline, date and text. Give `from_pandas` both tables. Each article's
# headline and paragraphs become units in front of its comments, and the
# outlet, date and headline go to the documents table (`docs`), where the
# comparisons look for them.

# %%
my_articles = pd.read_csv("data/my_articles.csv")
both = threads.Corpus.from_pandas(
    mine, my_articles,
    doc_id="article", unit_id="comment_id", parent_id="reply_to", text="comment",
    author="commenter", published="posted",
    article_columns={"title": "headline", "text": "text"},
)
both.docs[["doc_id", "outlet", "published", "title"]]

# %%
both.units[["doc_id", "unit_id", "role", "depth", "text"]]

# %% [markdown]
# From the shell the same two tables go to figures and a report in two
# commands (the column names are found by name; see docs/corpus.md):
#
# ```bash
# threadframe parse data/my_comments.csv --articles data/my_articles.csv --out out/mine
# threadframe report out/mine --by outlet --out out/mine-report
# ```

# %% [markdown]
# Mistakes in your table get a clear message instead of a wrong corpus. A
# reply that points to a comment that is not in the table is kept, attached
# to the top level, flagged `orphan` and reported (the warning below is
# expected):

# %% tags=["stderr-ok"]
broken = mine.copy()
broken.loc[broken["comment_id"] == "c5", "reply_to"] = "c99"
repaired = threads.Corpus.from_pandas(
    broken, doc_id="article", unit_id="comment_id", parent_id="reply_to", text="comment"
)
repaired.problems[["unit_id", "problem", "detail"]]

# %% [markdown]
# Duplicate ids or a misspelt column name stop with an error that says what
# is wrong. All threadframe errors share one class, `threads.ThreadframeError`:

# %%
try:
    threads.Corpus.from_pandas(mine, doc_id="article", text="body")
except threads.ThreadframeError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown]
# ## 7. Inspect a reply tree
#
# `analysis.reply_edges` lists who answered whom; `analysis.plot_reply_tree`
# draws a thread with each comment coloured by its first frame (tagging is the
# subject of the next notebooks). The square on the left is the article;
# black rings mark whataboutism.

# %%
import analysis

analysis.reply_edges(reddit, include_article=True)

# %%
tags = analysis.tag(reddit)
analysis.plot_reply_tree(reddit, tags.tags, categories=tags.codebook.categories)

# %% [markdown]
# ## 8. Save your corpus
#
# Save the corpus once and load it in your other notebooks. Parquet is the
# default; `format="csv"` writes files you can open in a spreadsheet.

# %%
combined.save("out/my_corpus")
again = threads.read_corpus("out/my_corpus")
again

# %% [markdown]
# ## Your turn
#
# Save a comment thread you care about (a Reddit thread's `.json`, an article
# page, or your platform's export) into `data/`, and replace the file name in
# the cell below. Then check `problems` and the audit before you analyse it.

# %%
my_file = "data/reddit_ecuador_thread.json"  # <- your file here
corpus = threads.read(my_file)
corpus.problems
