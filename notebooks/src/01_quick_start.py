# %% [markdown]
# # Quick start: from raw text to a figure
#
# **You will learn** how threadframe turns the five bundled scrapes about China
# exporting surveillance technology into tidy tables.
#
# **You need** nothing but this project installed (`make demo` or `make test`
# creates `.venv/`); everything runs offline from the bundled sample.

# %%
import threads

corpus = threads.sample_corpus()
corpus.docs[["doc_id", "outlet", "title"]]

# %%
units = corpus.units
units.groupby(["doc_id", "role"]).size().unstack(fill_value=0)

# %%
import matplotlib.pyplot as plt

counts = units.groupby("doc_id").size()
fig, ax = plt.subplots(figsize=(6, 3))
counts.plot.barh(ax=ax)
ax.set_xlabel("text units")
fig
