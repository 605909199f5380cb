"""Command line: ``python -m data_tools {fetch,verify,info}``.

Exit codes: 0 success, 1 a file is corrupt or a fetch failed, 2 bad usage.
"""
import argparse
import json
import sys

from . import facades, info, registry, verify
from .cache import DataError, offline, resolve_dir
from .mnist import download_mnist, fetch_from_folder, raw_folder

#: Datasets with more files than this are summed up in one line by ``verify`` (bad files listed).
LIST_ALL_UP_TO = 10


def _size(n):
    return "-" if n is None else f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n:,} B"


def cmd_fetch(args):
    if args.dataset == "facades":
        return fetch_facades(args)
    raw = raw_folder(args.data_dir)
    if args.source:
        fetch_from_folder(args.source, raw, force=args.force)
    else:
        if offline():
            raise DataError("GAN_COURSE_OFFLINE=1 is set, so nothing is downloaded "
                            "(unset it, or use --from FOLDER)")
        print(f"downloading MNIST into {raw} ...", flush=True)
        urls = download_mnist(raw, force=args.force)
        print(f"MNIST is in {raw} (from {' or '.join(urls)}, checked)")
    return cmd_verify(args, only="mnist")


def fetch_facades(args):
    target = facades.folder(args.data_dir)
    if args.source:
        facades.fetch_from_folder(args.source, target, force=args.force)
    else:
        if offline():
            raise DataError("GAN_COURSE_OFFLINE=1 is set, so nothing is downloaded "
                            "(unset it, or use --from FOLDER)")
        url = facades.download_facades(target, force=args.force)
        print(f"the facades are in {target} (from {url}, checked)")
    return cmd_verify(args, only="facades")


def _line(r):
    return (f"{r.status:8s} {r.name:28s} {_size(r.size if r.status != 'missing' else None):>10s}"
            + (f"  {r.detail}" if r.detail else ""))


def cmd_verify(args, only=None):
    root = resolve_dir(args.data_dir)
    bad = False
    for dataset, (_, files) in registry.DATASETS.items():
        if only is not None and dataset != only:
            continue
        results = verify(args.data_dir, datasets=[dataset])
        missing = [r for r in results if r.status == "missing"]
        corrupt = [r for r in results if r.status == "corrupt"]
        if len(files) <= LIST_ALL_UP_TO:
            for r in results:
                print(_line(r))
        else:  # one line for the set, then each bad file (all of them missing: one line says so)
            for r in corrupt + (missing if len(missing) < len(results) else []):
                print(_line(r))
        if corrupt:
            print(f"{dataset}: {len(corrupt)} corrupt file(s) in {root}: delete them and run "
                  f"`python -m data_tools fetch {dataset}`", file=sys.stderr)
            bad = True
        elif missing:
            print(f"{dataset}: {len(missing)} of {len(results)} file(s) missing in {root}; "
                  f"`python -m data_tools fetch {dataset}` gets them")
        else:
            print(f"{dataset}: all {len(results)} files ok in {root}")
    return 1 if bad else 0


def cmd_info(args):
    summary = info(args.data_dir)
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"data folder: {summary['data_dir']} ({summary['source']}"
          f"{'' if summary['exists'] else ', not created yet'}"
          f"{'' if summary['writable'] else ', read-only'})")
    print(f"downloads:   {'off (GAN_COURSE_OFFLINE=1)' if summary['offline'] else 'allowed'}")
    for name, d in summary["datasets"].items():
        have = sum(s is not None for s in d["files"].values())
        state = "complete" if d["complete"] else f"{have} of {len(d['files'])} files"
        print(f"{name}: {state}, {_size(d['bytes'])} in {d['folder']}")
        for pack, size in d["packs"].items():
            print(f"  packed: {pack}, {_size(size)}")
    print(f"total: {_size(summary['total_bytes'])} (sizes only; `python -m data_tools verify` checks checksums)")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m data_tools",
                                     description="Fetch, check and list the GAN course data.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="cache folder (default: $GAN_COURSE_DATA_DIR "
                                           "or the user cache folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser("fetch", parents=[common],
                           help="download a dataset, or copy it from a local folder")
    fetch.add_argument("dataset", choices=sorted(registry.DATASETS))
    fetch.add_argument("--from", dest="source", metavar="FOLDER",
                       help="folder with the files to copy instead of downloading (MNIST: plain or .gz; "
                            "facades: train/, val/, test/ or facades.tar.gz)")
    fetch.add_argument("--force", action="store_true", help="replace files already cached")
    fetch.set_defaults(run=cmd_fetch)
    sub.add_parser("verify", parents=[common],
                   help="check every cached file against its checksum").set_defaults(run=cmd_verify)
    inf = sub.add_parser("info", parents=[common], help="what is cached, where, how big")
    inf.add_argument("--json", action="store_true", help="print the summary as JSON")
    inf.set_defaults(run=cmd_info)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # a network error: one line, not a traceback
        print(f"error: {type(e).__name__}: {' '.join(str(e).split())}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
