"""``threadframe tag DIR --codebook NAME --out DIR2``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("tag", help="tag a parsed corpus with a codebook (frames, stance, evidence)",
                       description="Read a corpus directory (threadframe parse --out DIR) and write "
                                   "tags, evidence and stance tables as Parquet.")
    p.add_argument("corpus", help="corpus directory or dataset written by `threadframe parse`")
    p.add_argument("--codebook", default="surveillance",
                   help="built-in codebook name (surveillance, policy-frames) or a YAML file "
                        "(default: surveillance)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--level", default="unit", choices=("unit", "sentence"),
                   help="tag whole units or their sentences (default: unit)")
    p.add_argument("--roles", default="title,body,comment",
                   help="comma-separated roles to tag (default: title,body,comment)")
    p.add_argument("--batch-size", type=int, default=10000, help="units matched at once (default: 10000)")
    p.add_argument("--n-jobs", type=int, default=1,
                   help="for a dataset (a parsed dump): partitions tagged side by side in this many "
                        "processes, -1 for one per CPU (default: 1)")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    import threads
    from analysis.tagging.codebook import load_codebook
    from analysis.tagging.inputs import TaggingError
    from analysis.tagging.tag_dataset import write_tag_tables
    from analysis.tagging.tagger import tag_batches
    from threads.dataset import is_dataset

    codebook = load_codebook(args.codebook)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    unknown = sorted(set(roles) - set(threads.ROLES))
    if unknown:
        raise TaggingError(f"--roles: unknown role(s) {', '.join(unknown)}; roles are {', '.join(threads.ROLES)}")
    if is_dataset(args.corpus):
        return _run_dataset(args, codebook, roles)
    if args.n_jobs != 1:
        raise TaggingError("--n-jobs works on a dataset (threadframe parse DUMP --out DIR); a corpus "
                           "directory is tagged in one process, batch by batch")
    corpus = threads.read_corpus(args.corpus)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # stream batch by batch so memory does not grow with the corpus
    parts = tag_batches(corpus, args.codebook, args.level, roles=roles, batch_size=args.batch_size,
                        progress=not args.no_progress)
    counts = write_tag_tables(parts, lambda name: out / f"{name}.parquet", codebook, args.level)
    if counts is None:
        raise TaggingError(f"{args.corpus}: no units of roles {', '.join(roles)} to tag")
    manifest = {"codebook": codebook.name, "codebook_version": codebook.version,
                "level": args.level, "roles": roles, "rows": counts, "corpus": str(args.corpus)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"tagged {counts['stance']} {args.level}s with {codebook.name} v{codebook.version}: "
          f"{counts['evidence']} cue matches")
    print(f"wrote {out}/tags.parquet, evidence.parquet, stance.parquet, stance_evidence.parquet")
    return 0


def _run_dataset(args: argparse.Namespace, codebook, roles) -> int:
    import json

    from analysis.tagging.tag_dataset import tag_dataset

    out = tag_dataset(args.corpus, args.codebook, out=args.out, level=args.level, roles=roles,
                      batch_size=args.batch_size, n_jobs=args.n_jobs, progress=not args.no_progress)
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]
    print(f"tagged {rows['stance']} {args.level}s with {codebook.name} v{codebook.version}: "
          f"{rows['evidence']} cue matches")
    print(f"wrote {out}/tags.parquet/, evidence.parquet/, stance.parquet/, stance_evidence.parquet/ "
          "(one file per partition; pandas.read_parquet reads each folder whole)")
    return 0
