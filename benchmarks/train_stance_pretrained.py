"""Train the shipped stance models, score them in the same run, write their files and cards.

    python benchmarks/train_stance_pretrained.py [xstance-stance] [rumoureval-replies]

``xstance-stance``: ``StanceClassifier(min_df=3)`` on all 3926 x-stance
validation comments (German and French); scored by 5-fold GroupKFold by
question (unseen questions) and German -> French, beside TF-IDF + LR.
``rumoureval-replies``: ``ReplyStanceClassifier(min_df=3)`` on the RumourEval
2019 train key; scored on the dev key beside the majority class and a bag of
words. ``min_df=3``: only n-grams used by at least three texts are kept, so no
phrase particular to one person's post is in the file. Writes
``analysis/models/pretrained/<name>.tfm`` (the card in its manifest) and
``<name>.md``. Needs the shared data folder (set THREADFRAME_SHARED_DATA);
deterministic.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import GroupKFold, cross_val_predict  # noqa: E402

import analysis  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "analysis" / "models" / "pretrained"
sys.path.insert(0, str(HERE))


def _fa(y, pred) -> float:
    return round(float(f1_score(y, pred, labels=["FAVOR", "AGAINST"], average="macro", zero_division=0)), 3)


def xstance() -> tuple[object, dict, dict]:
    import bench_stance_xstance as bx

    data = bx.load()
    X, y = data[["text", "target"]], data["label"].to_numpy(dtype=object)
    groups = data["question_id"].to_numpy()
    make = lambda: analysis.StanceClassifier(min_df=3)  # noqa: E731
    unseen = _fa(y, cross_val_predict(make(), X, y, cv=GroupKFold(5), groups=groups))
    base = _fa(y, cross_val_predict(bx.Plain(True), X, y, cv=GroupKFold(5), groups=groups))
    de, fr = (data["language"] == "de").to_numpy(), (data["language"] == "fr").to_numpy()
    cross = _fa(y[fr], make().fit(X[de], y[de]).predict(X[fr]))
    cross_base = _fa(y[fr], bx.Plain(True).fit(X[de], y[de]).predict(X[fr]))
    model = make().fit(X, y)
    card = {"name": "xstance-stance",
            "data": (f"x-stance validation split (Vamvas & Sennrich 2020): {len(data)} comments by Swiss "
                     f"election candidates on {data['question_id'].nunique()} political questions, FAVOR/AGAINST"),
            "licence": "CC BY-NC 4.0 (derived from x-stance, data (c) smartvote.ch): non-commercial use, attribution",
            "languages": ["de", "fr"],
            "scores": [{"setting": "x-stance, unseen questions (5-fold GroupKFold by question)",
                        "metric": "F1(FAVOR, AGAINST)", "value": unseen, "baseline": "TF-IDF + LR, question + comment",
                        "baseline_value": base, "n": len(data)},
                       {"setting": "x-stance, trained on German, tested on French", "metric": "F1(FAVOR, AGAINST)",
                        "value": cross, "baseline": "TF-IDF + LR, question + comment", "baseline_value": cross_base,
                        "n": int(fr.sum())}],
            "notes": ("Targets are questions ('Should ...?'); FAVOR means the commenter answers yes. No NONE "
                      "class. The x-stance paper's multilingual BERT, trained on the far larger training "
                      "split, does markedly better on new questions (docs/stance.md).")}
    return model, card, {"n_units": len(data), "languages": {k: int(v) for k, v in data["language"].value_counts().items()}}


def rumoureval() -> tuple[object, dict, dict]:
    import bench_reply_stance as br

    _, splits = br.load()
    (Xtr, ytr, gtr), (Xdv, ydv, _) = splits["train"], splits["dev"]
    model = analysis.ReplyStanceClassifier(min_df=3).fit(Xtr, ytr)
    dev = round(br.macro_f1(ydv, model.predict(Xdv)), 3)
    majority = round(br.macro_f1(ydv, br.majority_baseline().fit(Xtr, ytr).predict(Xdv)), 3)
    bow = round(br.macro_f1(ydv, br.bag_of_words_baseline().fit(Xtr, ytr).predict(Xdv)), 3)
    card = {"name": "rumoureval-replies",
            "data": (f"RumourEval 2019 train key (Gorrell et al. 2019): {len(ytr)} English tweets and Reddit "
                     f"posts in {len(set(gtr))} rumour threads, support/deny/query/comment toward the source claim"),
            "licence": ("CC BY 4.0 (the RumourEval annotations, attribution); the post texts are not shipped, "
                        "only n-grams used by at least three posts, with URLs and @handles masked"),
            "languages": ["en"],
            "scores": [{"setting": "RumourEval 2019 dev (trained on train)", "metric": "macro-F1", "value": dev,
                        "baseline": "bag of words", "baseline_value": bow, "n": len(ydv)},
                       {"setting": "RumourEval 2019 dev (trained on train)", "metric": "macro-F1", "value": dev,
                        "baseline": "majority class", "baseline_value": majority, "n": len(ydv)}],
            "notes": ("Deny is the weakest class. min_df=3 (no n-gram of fewer than three posts) costs a little: "
                      "the default min_df=2 scores 0.510 on dev (benchmarks/bench_reply_stance.py). On the "
                      "held-out test set (not here) the task's baseline scored 0.49 and the best system 0.62.")}
    return model, card, {"n_units": len(ytr), "n_threads": len(set(gtr))}


USE = {
    "xstance-stance": ("Stance of comments on a question or proposal in German or French: does the comment "
                       "agree (FAVOR) or disagree (AGAINST)? Targets are passed as a `target` column or "
                       "`StanceClassifier(target=...)`.",
                       "Trained on politicians' answers to voting-advice questions, a narrow genre; only "
                       "FAVOR/AGAINST (it never says NONE, so use it on texts that do take a side); about "
                       "0.6 on unseen questions is modest, and cross-language transfer is near chance. "
                       "Validate on a coded sample of your corpus before reading shares as findings."),
    "rumoureval-replies": ("Stance of English replies in social-media threads toward the thread's source claim "
                           "(support, deny, query, comment); `threadframe report --stance-model` aggregates it "
                           "over comment sections.",
                           "Tweets and Reddit posts about breaking-news rumours (2014-2016 events); deny is rare and "
                           "hard (F1 about 0.25 on dev); comments on news sites and other languages are untested. "
                           "Validate on a coded sample of your corpus."),
}


def card_markdown(name: str, model, card: dict, training: dict) -> str:
    scores = "\n".join(f"| {s['setting']} | {s['metric']} | {s['value']:.3f} | {s['baseline']} | "
                       f"{s['baseline_value']:.3f} | {s['n']} |" for s in card["scores"])
    use, limits = USE[name]
    return f"""# Model card: `{name}`

`analysis.load_pretrained("{name}")` — a `{type(model).__name__}` (file format
`threadframe-model/1`, stance layout; `analysis.models.stance_io` loads it
without unpickling). Regenerate with
`python benchmarks/train_stance_pretrained.py {name}` (needs the shared data
folder; deterministic). The same card is in the file's manifest
(`analysis.model_info(path)["card"]`), and `threadframe report --stance-model`
quotes it.

## Training data

{card['data']}. Languages: {', '.join(card['languages'])}. Training units: {training['n_units']}.

**No texts are shipped**, only n-gram vocabularies (n-grams used by at least
three training texts, `min_df=3`) and weights.

## Licence

{card['licence']}. threadframe's code is MIT; cite the dataset paper when you use the model.

## Scores

Measured in the run that wrote the file, beside the baselines of that run:

| setting | metric | model | baseline | baseline score | n |
| --- | --- | ---: | --- | ---: | ---: |
{scores}

{card['notes']}

## Intended use

{use}

## Limitations

{limits}
"""


def main(names) -> None:
    makers = {"xstance-stance": xstance, "rumoureval-replies": rumoureval}
    for name in names or makers:
        model, card, training = makers[name]()
        path = analysis.save_model(model, OUT / f"{name}.tfm", card=card, training_data=training,
                                   scores={s["setting"] + " / " + s["baseline"]: s["value"] for s in card["scores"]})
        (OUT / f"{name}.md").write_text(card_markdown(name, model, card, training), encoding="utf-8")
        print(f"{path} ({path.stat().st_size / 1e6:.2f} MB): " + "; ".join(
            f"{s['setting']}: {s['metric']} {s['value']:.3f} (baseline {s['baseline_value']:.3f})"
            for s in card["scores"]))


if __name__ == "__main__":
    main(sys.argv[1:])
