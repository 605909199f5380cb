"""Check in a real JupyterLab, with a headless chromium, that the latent explorer and the digit chooser work.

What it checks for the latent explorer (gankit.explorer.explore, the widget at the end of notebook 04):

* JupyterLab renders the widget (slider, two buttons, image, label), not "Loading widget..." or a
  text repr such as ``VBox(children=...)`` (which would mean the widget front end is missing);
* the image is shown at its own size (not stretched) and the label shows ``describe``'s text;
* moving the slider (arrow keys, then a drag to the right end) redraws the middle image only, the
  label follows, and at t = 1 the middle image is G(z_b) itself;
* "new seed A" redraws the left and middle images, "new seed B" the middle and right ones.

What it checks for the digit chooser (gankit.explorer.choose_digit, notebook 06):

* JupyterLab renders it (buttons 0-9 named "digit" with 0 chosen, a "new z" button, an image of
  8 samples at its own size, the label with ``describe``'s text), not a text repr;
* clicking digit 3 redraws all 8 samples and the label; clicking 0 again gives the very first
  image back (same z, only the digit changed);
* "new z" redraws all 8 samples and the label, digit 0 stays chosen; then digit 3 differs from
  the first digit-3 image (z changed).

It starts JupyterLab with the venv's Python (``.venv/bin/python -m jupyterlab``) on a free port
with a random token in a temporary folder, with fast mode off (so widgets are live) and one torch
thread, writes a small notebook there that calls ``explore`` on a tiny untrained generator and
``choose_digit`` on a tiny untrained conditional generator (no training: it takes seconds), opens
it in chromium, runs all cells from the Run menu and uses the widgets as a student would. The
server is stopped at the end in every case. Prints PASS/FAIL lines; exit code 1 on failure. Screenshots go to
/tmp/explorer_check/*.png (or --shots).

Needs playwright (Python; the test extras install it) and a chromium (Debian: ``apt-get install
chromium``); playwright's own browser download is not used. tests/test_browser.py runs it as a
test, which skips where either is missing; by hand, from the repository root:

    .venv/bin/python tools/check_explorer.py
    .venv/bin/python tools/check_explorer.py --chromium /usr/bin/chromium --headed

The driving process uses the standard library and playwright only (it may be another Python);
torch, ipywidgets and JupyterLab come from the project's venv (``--venv``, default ``.venv``).
"""
import argparse
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "explorer_check.ipynb"
LATENT_DIM = 8
SAMPLES = 8  # images the digit chooser shows

# The notebook a student would write: tiny untrained generators, the explorer and the digit chooser.
CELLS = [
    ("markdown", "# Latent explorer check\nWritten by `tools/check_explorer.py`."),
    ("code", "import torch\n"
             "from gankit.explorer import explore\n"
             "\n"
             "torch.manual_seed(0)\n"
             f"G = torch.nn.Sequential(torch.nn.Linear({LATENT_DIM}, 784), torch.nn.Tanh())"),
    ("code", "def means(images):\n"
             "    return 'means ' + ' | '.join(f'{m:+.4f}' for m in images.flatten(1).mean(1).tolist())\n"
             "\n"
             f"explorer = explore(G, {LATENT_DIM}, describe=means, seed=0)"),
    ("code", "print('explorer is', type(explorer).__name__)"),
    ("code", "from gankit.explorer import choose_digit\n"
             "\n"
             "class CondG(torch.nn.Module):\n"
             "    def __init__(self):\n"
             "        super().__init__()\n"
             f"        self.fc = torch.nn.Linear({LATENT_DIM} + 10, 784)\n"
             "\n"
             "    def forward(self, z, y):\n"
             "        return torch.tanh(self.fc(torch.cat([z, y], 1)))\n"
             "\n"
             "cond_G = CondG()\n"
             f"chooser = choose_digit(cond_G, {LATENT_DIM}, num_classes=10, n={SAMPLES}, describe=means)"),
    ("code", "print('chooser is', type(chooser).__name__)"),
]

# Grey values of the `count` images in the PNG (one sample per enlarged pixel), read from a canvas.
# The PNG is a make_grid row: 2 pixels of padding around each 28 x 28 image, enlarged `scale` times.
READ_IMAGES_JS = """(img, count) => {
    const w = img.naturalWidth, h = img.naturalHeight;
    if (!img.complete || !w) return null;
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, w, h).data;
    const scale = w / (count * 30 + 2);
    const cells = [];
    for (let k = 0; k < count; k++) {
        const cell = [];
        for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
            const px = Math.floor((2 + 30 * k + x + 0.5) * scale), py = Math.floor((2 + y + 0.5) * scale);
            cell.push(data[4 * (py * w + px)]);
        }
        cells.push(cell);
    }
    return {src: img.getAttribute('src'), natural: [w, h], shown: [img.clientWidth, img.clientHeight],
            cells: cells};
}"""

# quiet and offline: no GPU, no QUIC, no first-run page, no updates, sync or background requests
CHROMIUM_FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

SETTINGS = {  # no news / update toasts over the page
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what, detail=""):
        print(f"{'PASS' if ok else 'FAIL'}: {what}" + (f" ({detail})" if detail else ""), flush=True)
        self.failed += not ok
        return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(path):
    cells = []
    for kind, source in CELLS:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                       "language_info": {"name": "python"}}}
    path.write_text(json.dumps(nb, indent=1))


def start_lab(venv, work, port, token, log):
    env = dict(os.environ)
    for name in ("GAN_COURSE_FAST", "NBGRADER_EXECUTION", "JUPYTER_TOKEN"):
        env.pop(name, None)  # fast mode off: explore() must show the live widget
    settings = work / "lab-settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env.update(GAN_COURSE_THREADS="1", OMP_NUM_THREADS="1",  # light on a shared machine
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(work / "lab-workspaces"),
               JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    nb_dir = work / "notebooks"
    # the venv's Python runs the server, so the kernel (the server's Python) imports this checkout
    cmd = [str(venv / "bin" / "python"), "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={nb_dir}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # e.g. in a container
    return subprocess.Popen(cmd, cwd=nb_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for_server(proc, base, token, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer within {timeout} s")


def stop_lab(proc, base, token):
    if proc.poll() is None:
        try:  # shuts the kernels down too
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=10).close()
        except (urllib.error.URLError, OSError):
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    print(f"server stopped (exit code {proc.returncode})", flush=True)


def wait_until(read, condition, timeout):
    """Poll ``read()`` until ``condition(value)``; returns the last value read."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if condition(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def differ(a, b):
    return sum(x != y for x, y in zip(a, b))


def drive(page, base, token, shots, checks, timeout):
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout * 1000)
    dialog = page.locator(".jp-Dialog")  # e.g. a kernel chooser: take the default
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Enter")
    # "Run All Cells" before the kernel is up can run nothing at all: wait for an idle kernel first
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=timeout * 1000)
    page.wait_for_timeout(1000)
    prompt = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):
        page.click("#jp-MainMenu .lm-MenuBar-item:has-text('Run')")
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # the first prompt turns to [*] or [1]; on a busy machine the first Run All can be lost
        text = wait_until(lambda: prompt.inner_text(), lambda t: any(c.isdigit() or c == "*" for c in t), 20)
        if any(c.isdigit() or c == "*" for c in text):
            break
        print(f"Run All Cells started nothing (prompt {text.strip()!r}), trying again", flush=True)

    output = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    root = page.locator(".jp-NotebookPanel .jp-OutputArea-output .widget-vbox").first
    try:
        root.wait_for(state="visible", timeout=timeout * 1000)
    except Exception:
        page.screenshot(path=str(shots / "0_no_widget.png"), full_page=True)
        texts = " / ".join(t.strip()[:200] for t in output.all_text_contents())
        checks.check(False, "the widget renders in JupyterLab", f"outputs: {texts or 'none'}")
        return
    image = root.locator("img.widget-image")
    label = root.locator(".widget-html").last

    def state():
        return image.evaluate(READ_IMAGES_JS, 3)

    first = wait_until(state, lambda s: s is not None, 30)
    wait_until(lambda: label.inner_text(), lambda text: "means" in text, 30)
    page.wait_for_selector("text=chooser is", timeout=timeout * 1000)  # all cells done
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "1_rendered.png"), full_page=True)
    root.screenshot(path=str(shots / "1_widget.png"))

    all_text = " ".join(output.all_text_contents())
    checks.check("Loading widget" not in all_text and "VBox(children" not in all_text
                 and "Error displaying widget" not in all_text and "static view" not in all_text,
                 "no 'Loading widget...', text repr or static fallback in the outputs")
    checks.check("explorer is LatentExplorer" in all_text, "explore() returned a LatentExplorer")
    checks.check("chooser is DigitChooser" in all_text, "choose_digit() returned a DigitChooser")
    checks.check(page.locator(".jp-NotebookPanel [data-mime-type='application/vnd.jupyter.error']").count() == 0
                 and "Traceback" not in all_text, "no errors in the outputs")
    checks.check(first is not None and first["natural"][0] > 0, "the explorer's image loads",
                 f"src {first['src'][:40]}..., {first['natural'][0]}x{first['natural'][1]} px" if first else "")
    if first is not None:
        check_explorer(page, root, first, shots, checks)
    check_chooser(page, shots, checks, timeout)


def check_explorer(page, root, first, shots, checks):
    image = root.locator("img.widget-image")
    slider = root.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    label = root.locator(".widget-html").last
    buttons = root.locator("button.widget-button")

    def state():
        return image.evaluate(READ_IMAGES_JS, 3)

    checks.check(first["shown"] == first["natural"], "the image is shown at its own size (not stretched)",
                 f"shown {first['shown']}, natural {first['natural']}")
    checks.check(buttons.count() == 2 and slider.is_visible(), "a slider and two buttons",
                 ", ".join(buttons.all_inner_texts()))
    label0, value0 = label.inner_text(), readout.inner_text()
    checks.check(label0.startswith("means") and len(label0.split("|")) == 3, "the label shows describe()",
                 label0)

    # move the slider with the keyboard, as a student would after clicking on the handle
    handle.click()
    for _ in range(3):
        handle.press("ArrowRight")
    value1 = wait_until(lambda: readout.inner_text(), lambda v: v != value0, 10)
    moved = wait_until(state, lambda s: s and differ(s["cells"][1], first["cells"][1]) > 0, 20)
    label1 = wait_until(lambda: label.inner_text(), lambda text: text != label0, 10)
    page.screenshot(path=str(shots / "2_slider_keys.png"), full_page=True)
    checks.check(value1 != value0, "arrow keys move the slider", f"t {value0} -> {value1}")
    checks.check(differ(moved["cells"][1], first["cells"][1]) > 0, "the middle image is redrawn",
                 f"{differ(moved['cells'][1], first['cells'][1])} of 784 pixels changed")
    checks.check(moved["cells"][0] == first["cells"][0] and moved["cells"][2] == first["cells"][2],
                 "the outer images stay")
    checks.check(label1 != label0, "the label follows the slider", f"{label0!r} -> {label1!r}")

    # drag the handle to the right end: t = 1, the middle image is G(z_b)
    box, track = handle.bounding_box(), slider.locator(".noUi-target").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 40, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    value2 = wait_until(lambda: readout.inner_text(), lambda v: v == "1.00", 10)
    end = wait_until(state, lambda s: s and s["cells"][1] == s["cells"][2], 20)
    page.screenshot(path=str(shots / "3_slider_drag_t1.png"), full_page=True)
    checks.check(value2 == "1.00", "dragging the slider to the right end gives t = 1", f"t = {value2}")
    checks.check(end["cells"][1] == end["cells"][2], "at t = 1 the middle image is G(z_b)")

    # new seed A: left and middle change (t = 1: the middle one is still G(z_b)), right stays
    page.mouse.move(0, 0)
    handle.click()
    handle.press("Home")  # t = 0: the middle image is G(z_a)
    start = wait_until(state, lambda s: s and s["cells"][1] == s["cells"][0], 20)
    checks.check(start["cells"][1] == start["cells"][0], "Home key: t = 0, the middle image is G(z_a)",
                 f"t = {readout.inner_text()}")
    page.wait_for_timeout(300)  # the label comes right after the image
    label_a0 = label.inner_text()
    buttons.filter(has_text="new seed A").click()
    after_a = wait_until(state, lambda s: s and differ(s["cells"][0], start["cells"][0]) > 0, 20)
    page.screenshot(path=str(shots / "4_new_seed_a.png"), full_page=True)
    checks.check(differ(after_a["cells"][0], start["cells"][0]) > 0 and after_a["cells"][1] == after_a["cells"][0],
                 "'new seed A' draws a new left image (and middle, at t = 0)")
    checks.check(after_a["cells"][2] == start["cells"][2], "'new seed A' keeps the right image")
    checks.check(wait_until(lambda: label.inner_text(), lambda t: t != label_a0, 10) != label_a0,
                 "the label follows 'new seed A'")

    buttons.filter(has_text="new seed B").click()
    after_b = wait_until(state, lambda s: s and differ(s["cells"][2], after_a["cells"][2]) > 0, 20)
    page.screenshot(path=str(shots / "5_new_seed_b.png"), full_page=True)
    root.screenshot(path=str(shots / "5_widget.png"))
    checks.check(differ(after_b["cells"][2], after_a["cells"][2]) > 0, "'new seed B' draws a new right image")
    checks.check(after_b["cells"][0] == after_a["cells"][0], "'new seed B' keeps the left image")


def check_chooser(page, shots, checks, timeout):
    root = page.locator(".jp-NotebookPanel .jp-OutputArea-output .widget-vbox:has(.widget-toggle-buttons)").first
    try:
        root.wait_for(state="visible", timeout=timeout * 1000)
    except Exception:
        page.screenshot(path=str(shots / "6_no_chooser.png"), full_page=True)
        checks.check(False, "the digit chooser renders in JupyterLab")
        return
    image = root.locator("img.widget-image")
    label = root.locator(".widget-html").last
    digits = root.locator(".widget-toggle-buttons")
    digit_buttons = digits.locator("button.widget-toggle-button")
    new_z = root.locator("button.widget-button", has_text="new z")

    def state():
        return image.evaluate(READ_IMAGES_JS, SAMPLES)

    def chosen():
        return digits.locator("button.mod-active").all_inner_texts()

    def all_differ(a, b):  # every one of the samples changed
        return a is not None and b is not None and all(differ(x, y) > 0 for x, y in zip(a["cells"], b["cells"]))

    first = wait_until(state, lambda s: s is not None, 30)
    label0 = wait_until(lambda: label.inner_text(), lambda text: "means" in text, 30)
    root.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "6_digits.png"))
    root.screenshot(path=str(shots / "6_chooser.png"))
    checks.check(digit_buttons.all_inner_texts() == [str(d) for d in range(10)] and new_z.count() == 1,
                 "chooser: buttons 0-9 and 'new z'",
                 ", ".join(digit_buttons.all_inner_texts() + new_z.all_inner_texts()))
    checks.check("digit" in digits.inner_text() and chosen() == ["0"], "chooser: named 'digit', 0 chosen",
                 f"chosen {chosen()}")
    checks.check(first is not None and first["natural"][0] > 0, "chooser: the image loads",
                 f"{first['natural'][0]}x{first['natural'][1]} px" if first else "")
    if first is None:
        return
    checks.check(first["shown"] == first["natural"], "chooser: the image is shown at its own size",
                 f"shown {first['shown']}, natural {first['natural']}")
    checks.check(label0.startswith("means") and len(label0.split("|")) == SAMPLES,
                 "chooser: the label shows describe()", label0)

    # digit 3: the same z, another digit, so every sample changes
    digit_buttons.nth(3).click()
    three = wait_until(state, lambda s: all_differ(s, first), 20)
    label3 = wait_until(lambda: label.inner_text(), lambda text: text != label0, 10)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "7_digit_3.png"))
    root.screenshot(path=str(shots / "7_chooser_3.png"))
    checks.check(chosen() == ["3"], "chooser: clicking 3 chooses 3", f"chosen {chosen()}")
    checks.check(all_differ(three, first), f"chooser: digit 3 redraws all {SAMPLES} samples",
                 ", ".join(str(differ(x, y)) for x, y in zip(three["cells"], first["cells"])) + " pixels changed")
    checks.check(label3 != label0, "chooser: the label follows the digit", f"{label0!r} -> {label3!r}")

    # back to 0: the same z, so the very first image again
    digit_buttons.nth(0).click()
    back = wait_until(state, lambda s: s and s["cells"] == first["cells"], 20)
    checks.check(back["cells"] == first["cells"], "chooser: clicking 0 again gives the first image back (same z)")
    label_back = wait_until(lambda: label.inner_text(), lambda text: text == label0, 10)

    # new z: every sample changes, the digit stays
    new_z.click()
    fresh = wait_until(state, lambda s: all_differ(s, first), 20)
    label_z = wait_until(lambda: label.inner_text(), lambda text: text != label_back, 10)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "8_new_z.png"))
    root.screenshot(path=str(shots / "8_chooser_new_z.png"))
    checks.check(all_differ(fresh, first), f"chooser: 'new z' redraws all {SAMPLES} samples (digit 0)",
                 ", ".join(str(differ(x, y)) for x, y in zip(fresh["cells"], first["cells"])) + " pixels changed")
    checks.check(chosen() == ["0"], "chooser: 'new z' keeps the digit", f"chosen {chosen()}")
    checks.check(label_z != label_back, "chooser: the label follows 'new z'", f"{label_back!r} -> {label_z!r}")

    # digit 3 with the new z: not the first digit-3 image
    digit_buttons.nth(3).click()
    three_new = wait_until(state, lambda s: all_differ(s, fresh) and all_differ(s, three), 20)
    checks.check(all_differ(three_new, fresh) and all_differ(three_new, three),
                 "chooser: digit 3 after 'new z' differs from digit 0 and from the first digit 3")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=pathlib.Path, default=ROOT / ".venv", help="the project's venv")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="a chromium executable (playwright's own download is not needed)")
    parser.add_argument("--shots", type=pathlib.Path, default=pathlib.Path("/tmp/explorer_check"),
                        help="where the screenshots go")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for the server and the cells")
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server log)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.shots.mkdir(parents=True, exist_ok=True)
    for old in args.shots.glob("*.png"):
        old.unlink()
    work = pathlib.Path(tempfile.mkdtemp(prefix="explorer_check_"))
    (work / "notebooks").mkdir()
    write_notebook(work / "notebooks" / NOTEBOOK)
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    checks = Checks()
    log = open(work / "lab.log", "w")
    proc = start_lab(args.venv, work, port, token, log)
    try:
        wait_for_server(proc, base, token, timeout=args.timeout)
        print(f"jupyter lab is up on port {port} (root {work / 'notebooks'})", flush=True)
        with sync_playwright() as pw:
            # playwright gives the browser a fresh profile (--user-data-dir) and --no-sandbox
            browser = pw.chromium.launch(executable_path=args.chromium, headless=not args.headed,
                                         chromium_sandbox=False, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("pageerror", lambda error: print(f"browser error: {error}", flush=True))
                drive(page, base, token, args.shots, checks, args.timeout)
            except Exception as error:  # a timeout or a missing element: report it as a failure
                try:
                    page.screenshot(path=str(args.shots / "9_error.png"), full_page=True)
                except Exception:
                    pass
                checks.check(False, "the check ran to its end", f"{type(error).__name__}: {error}")
            finally:
                browser.close()
    except Exception as error:
        checks.check(False, "jupyter lab started", str(error))
    finally:
        stop_lab(proc, base, token)
        log.close()
        if checks.failed:
            print(f"server log: {work / 'lab.log'}\n" + (work / "lab.log").read_text()[-3000:])
        if not args.keep and not checks.failed:
            shutil.rmtree(work, ignore_errors=True)
    shots = sorted(p.name for p in args.shots.glob("*.png"))
    print(f"screenshots in {args.shots}: {', '.join(shots)}")
    print(f"{'FAIL' if checks.failed else 'PASS'}: {checks.failed} check(s) failed" if checks.failed
          else "PASS: the latent explorer and the digit chooser work in JupyterLab")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
