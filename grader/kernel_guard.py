"""The integrity guard that runs inside a graded kernel, next to the student's code.

grader.guard sends the text of this file to the kernel before the notebook's first cell and calls
``install``; the kernel cannot import it (the grader is not in the sandbox). After every code
cell the grader calls ``Guard.after``, which compares what the tests depend on with the state
it recorded after the last cell the course wrote, puts back what changed and says what it was:

- the modules the tests use (builtins, math, operator, torch, torch.nn, torch.nn.functional,
  numpy, gankit.checks and the modules the locked cells import helpers from): their attributes,
  the classes defined in them (``torch.Tensor.__eq__`` ...) and the code of their functions
  (``expect.__code__ = ...``);
- the names the test cells read from the notebook: the helpers the locked cells bind
  (``expect = lambda *a: None``) and the builtins (``type = ...`` in the notebook shadows them);
- what decides whether a cell failed: IPython's exception handlers, input and AST transformers,
  event callbacks, the shell's and the kernel's methods; ``sys`` hooks (trace, profile,
  excepthook, displayhook, stdout/stderr, meta_path), signal handlers and timers, gc callbacks.

An audit hook (``sys.addaudithook``), installed before any student code runs, refuses further
audit hooks and notes what student code does that honest answers do not: looking for files
outside its folders and the environment, exec/eval, walking gc's objects or the stack, ctypes.

What changed during a test cell voids that test (the grader marks it failed); what changed
during another cell is put back before the next one. Everything is reported for the CSV. Code
in the same process can still defeat this on purpose (it can find the guard); it cannot do so
unnoticed by the static checks of grader.integrity, and the report says when the guard itself
stopped answering.
"""
import builtins
import gc
import hashlib
import json
import linecache
import os
import signal
import sys
import threading
import types

MISSING = object()
PLAIN_DATA = (int, float, complex, str, bytes, type(None))  # bool is an int
WATCHED = ["builtins", "math", "operator", "torch", "torch.nn", "torch.nn.functional", "torch.nn.modules.module",
           "numpy", "gankit", "gankit.checks"]
# events of the audit hook worth a note when student code raises them itself
NOTED = {
    "open": "looked for files outside its folders",
    "os.listdir": "looked for files outside its folders",
    "os.scandir": "looked for files outside its folders",
    "glob.glob": "looked for files outside its folders",
    "exec": "ran code with exec() or eval()",
    "gc.get_objects": "searched the kernel's objects (gc)",
    "gc.get_referrers": "searched the kernel's objects (gc)",
    "gc.get_referents": "searched the kernel's objects (gc)",
    "sys._getframe": "inspected the call stack",
    "sys._current_frames": "inspected the call stack",
    "ctypes.dlopen": "used ctypes",
    "ctypes.dlsym": "used ctypes",
    "ctypes.addressof": "used ctypes",
    "ctypes.cdata": "used ctypes",
    "sys.settrace": "set a trace function",
    "sys.setprofile": "set a profile function",
}
PATH_EVENTS = {"open", "os.listdir", "os.scandir", "glob.glob"}
# standard modules that raise an event on behalf of their caller (glob.glob, os.walk, Path.iterdir)
WRAPPERS = tuple(os.path.splitext(m.__file__)[0] for m in (os, __import__("glob"), __import__("pathlib"),
                                                           __import__("shutil"), __import__("fnmatch")))


def normalized(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def digest(text):
    return hashlib.sha256(normalized(text).encode()).hexdigest()


def install(token, spec):
    """Start guarding: ``spec`` has ``modules`` (to watch, imported now), ``helpers`` (names of the
    notebook the tests read and the locked cells bind), ``builtins`` (builtins the tests read),
    ``trusted`` (digests of the locked cells' code) and ``allowed`` (folders the kernel may read)."""
    guard = Guard(spec)
    sys.modules[token] = guard
    sys.addaudithook(guard.audit)
    return "installed"


class Guard:
    def __init__(self, spec):
        from IPython import get_ipython

        self.shell = get_ipython()
        self.ns = self.shell.user_ns
        self.helper_names = list(spec["helpers"])
        self.builtin_names = [n for n in spec["builtins"] if hasattr(builtins, n)]
        self.trusted = set(spec["trusted"])
        # reading the environment is harmless (and the interpreter reads its own files on behalf of
        # whatever frame is running, when it prints a traceback)
        env = [sys.prefix, sys.base_prefix, sys.exec_prefix] + [
            p for p in sys.path if os.path.isabs(p) and ("-packages" in p or "/lib/python" in p)]
        self.allowed = tuple(os.path.realpath(p) for p in list(spec["allowed"]) + env if p)
        self.cell_dir = os.path.dirname(self.shell.compile.get_code_name("", "", 0))
        self.files = {}  # a cell's code file -> True when the course wrote it
        self.busy = False
        self.noted = []  # what the audit hook saw, since the last report
        self.threads = set(threading.enumerate())
        for name in spec["modules"]:
            try:
                __import__(name)
            except Exception:  # noqa: BLE001 - a module a locked cell imports may not exist here
                pass
        self.module_names = [n for n in dict.fromkeys(list(spec["modules"]) + WATCHED)]
        self.helpers = {}
        self.record()
        self.remember_helpers(self.helper_names)

    # ------------------------------------------------------------------ what is recorded
    def record(self):
        """Take the current state of everything watched as the state to keep."""
        self.modules = {}
        self.classes = {}
        self.functions = {}
        self.add_new_modules()
        shell, kernel = self.shell, getattr(self.shell, "kernel", None)
        for obj in (shell, kernel, getattr(kernel, "session", None), shell.displayhook,
                    getattr(shell, "display_pub", None), sys.stdout, sys.stderr):
            if obj is not None:
                for cls in type(obj).__mro__:
                    if cls is not object:
                        self.watch_class(cls)
        self.instances = {}
        for label, obj in (("the shell", shell), ("the kernel", kernel), ("the kernel's session",
                                                                         getattr(kernel, "session", None))):
            if obj is not None:
                self.instances[label] = (obj, {k: v for k, v in vars(obj).items() if callable(v)})
        self.lists = self.current_lists()
        self.hooks = self.current_hooks()
        self.handlers = self.current_handlers()

    def watch_class(self, cls):
        # heap types that are not immutable: the others cannot change
        if id(cls) in self.classes or not cls.__flags__ & (1 << 9) or cls.__flags__ & (1 << 8):
            return
        self.classes[id(cls)] = (cls, dict(vars(cls)))
        for value in list(vars(cls).values()):
            value = getattr(value, "__func__", value)
            if isinstance(value, types.FunctionType):
                self.watch_function(value)

    def watch_function(self, fn):
        self.functions[id(fn)] = (fn, fn.__code__, fn.__defaults__, fn.__kwdefaults__)

    def remember_helpers(self, names):
        for name in names:
            value = self.ns.get(name, MISSING)
            if value is not MISSING:
                self.helpers[name] = value
                if isinstance(value, types.FunctionType):
                    self.watch_function(value)
                elif isinstance(value, type):
                    self.watch_class(value)

    def current_lists(self):
        """Lists whose items IPython calls on every cell: ``{label: (list, items)}``."""
        shell, tm = self.shell, getattr(self.shell, "input_transformer_manager", None)
        found = {"ast_transformers": shell.ast_transformers,
                 "input_transformers_post": shell.input_transformers_post,
                 "sys.meta_path": sys.meta_path, "sys.path_hooks": sys.path_hooks, "gc.callbacks": gc.callbacks}
        for name in ("cleanup_transforms", "line_transforms", "token_transformers"):
            if tm is not None and isinstance(getattr(tm, name, None), list):
                found[f"input_transformer_manager.{name}"] = getattr(tm, name)
        for event, callbacks in shell.events.callbacks.items():
            found[f"the {event} event callbacks"] = callbacks
        return {label: (lst, list(lst)) for label, lst in found.items()}

    def current_hooks(self):
        return {
            "sys.settrace": sys.gettrace(), "sys.setprofile": sys.getprofile(),
            "threading.settrace": threading.gettrace() if hasattr(threading, "gettrace") else None,
            "sys.excepthook": sys.excepthook, "sys.displayhook": sys.displayhook, "sys.stdout": sys.stdout,
            "sys.stderr": sys.stderr, "the shell's custom_exceptions": self.shell.custom_exceptions,
            "the notebook's __builtins__": self.ns.get("__builtins__", MISSING),
            "the shell's user_ns": self.shell.user_ns, "the shell's user_global_ns": self.shell.user_global_ns,
            **{f"sys.modules[{name!r}]": module for name, (module, _) in self.modules.items()},
        }

    def current_handlers(self):
        handlers = {}
        for sig in signal.valid_signals():
            if sig in (signal.SIGKILL, signal.SIGSTOP) or sig >= getattr(signal, "SIGRTMIN", 34):
                continue
            try:
                handlers[sig] = signal.getsignal(sig)
            except (ValueError, OSError):
                pass
        return handlers

    # ------------------------------------------------------------------ checking
    def after(self, kind, stores=(), name=""):
        """After a cell: put back what changed; returns a JSON report ``{"changed", "noted"}``.

        ``kind``: "student" (an answer or a cell the student added), "locked" or "test" (cells the
        course wrote; they may rebind the helpers in ``stores``). A test cell during which
        something changed does not count: the grader marks it failed.
        """
        changed = self.restore(keep=set(stores) if kind != "student" else set())
        if kind != "student":
            self.remember_helpers([n for n in self.helper_names if n in stores])
        self.add_new_modules()
        noted, self.noted = list(dict.fromkeys(self.noted)), []
        for thread in threading.enumerate():
            if thread not in self.threads:
                self.threads.add(thread)
                target = getattr(thread, "_target", None) or getattr(type(thread), "run", None)
                code = getattr(target, "__code__", None)
                if code is not None and self.is_student_file(code.co_filename):
                    noted.append("left a thread running")
        return json.dumps({"changed": changed, "noted": noted})

    def add_new_modules(self):
        """Watch the watched modules imported since the last call."""
        for name in self.module_names:
            module = sys.modules.get(name)
            if name in self.modules or not isinstance(module, types.ModuleType):
                continue
            self.modules[name] = (module, dict(vars(module)))
            if hasattr(self, "hooks"):
                self.hooks[f"sys.modules[{name!r}]"] = module
            root = name.split(".")[0]
            for value in list(vars(module).values()):
                if isinstance(value, type) and (getattr(value, "__module__", "") or "").split(".")[0] == root:
                    self.watch_class(value)
                elif isinstance(value, types.FunctionType):
                    self.watch_function(value)

    def restore(self, keep=()):
        """Put back every watched thing that differs from the record; returns what it was."""
        changed = []
        for name, (module, saved) in self.modules.items():
            now = vars(module)
            for key, value in saved.items():
                new = now.get(key, MISSING)
                if new is value or (name == "builtins" and key == "_"):
                    continue
                if self.wraps(new, value):
                    saved[key] = new  # a library wrapped its own function (torch._dynamo wraps torch.manual_seed)
                    continue
                changed.append(f"replaced {name}.{key}")
                setattr(module, key, value)
        for cls, saved in self.classes.values():
            now = dict(vars(cls))
            for key in set(now) | set(saved):
                old, new = saved.get(key, MISSING), now.get(key, MISSING)
                if old is new:
                    continue
                if old is MISSING and not (key.startswith("__") or any(hasattr(b, key) for b in cls.__mro__[1:])):
                    continue  # a new attribute that shadows nothing
                if isinstance(old, PLAIN_DATA) and isinstance(new, PLAIN_DATA):
                    saved[key] = new  # a class's counter or setting (RemovableHandle.next_id counts hooks), not code
                    continue
                changed.append(f"replaced {cls.__module__}.{cls.__qualname__}.{key}")
                try:
                    if old is MISSING:
                        delattr(cls, key)
                    else:
                        setattr(cls, key, old)
                except (AttributeError, TypeError):
                    changed[-1] += " (could not put it back)"
        for fn, code, defaults, kwdefaults in self.functions.values():
            if fn.__code__ is not code or fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
                changed.append(f"rewrote the code of {fn.__module__}.{fn.__qualname__}")
                fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults
        for label, (obj, saved) in self.instances.items():
            now = vars(obj)
            for key in set(saved) | {k for k, v in now.items() if callable(v)}:
                if now.get(key, MISSING) is not saved.get(key, MISSING):
                    changed.append(f"replaced {key} of {label}")
                    if key in saved:
                        now[key] = saved[key]
                    else:
                        del now[key]
        for label, (lst, items) in self.lists.items():
            if len(lst) == len(items) and all(a is b for a, b in zip(lst, items)):
                continue
            added = [x for x in lst if not any(x is y for y in items)]
            kept = all(any(y is x for x in lst) for y in items)
            if kept and not any(self.is_student_made(x) for x in added):
                self.lists[label] = (lst, list(lst))  # a library registered something (matplotlib's inline backend)
                continue
            changed.append(f"changed {label}")
            lst[:] = items
        for label, value in self.current_hooks().items():
            old = self.hooks.get(label, MISSING)
            if value is not old:
                changed.append(f"replaced {label}")
                self.put_hook(label, old)
        for sig, handler in self.current_handlers().items():
            if handler is not self.handlers.get(sig, handler):
                changed.append(f"set a handler for {signal.Signals(sig).name}")
                signal.signal(sig, self.handlers[sig])
        for timer in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
            if signal.getitimer(timer) != (0.0, 0.0):
                changed.append("set a timer (signal.setitimer or alarm)")
                signal.setitimer(timer, 0)
        for name, value in self.helpers.items():
            if name not in keep and self.ns.get(name, MISSING) is not value:
                if callable(value) or isinstance(value, types.ModuleType):
                    changed.append(f"rebound {name}, which the tests use")
                self.ns[name] = value  # data the tests read is put back without a note
        for name in self.builtin_names:
            if name in self.ns and name not in keep:
                changed.append(f"defined {name}, which hides the builtin the tests use")
                del self.ns[name]
        return list(dict.fromkeys(changed))

    def put_hook(self, label, old):
        if label == "sys.settrace":
            sys.settrace(old)
        elif label == "sys.setprofile":
            sys.setprofile(old)
        elif label == "threading.settrace":
            threading.settrace(old)
        elif label.startswith("sys.modules["):
            name = label[len("sys.modules['"):-2]
            if old is MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old
        elif label.startswith("sys."):
            setattr(sys, label[4:], old)
        elif label == "the shell's custom_exceptions":
            self.shell.custom_exceptions = old
        elif label == "the notebook's __builtins__":
            self.ns["__builtins__"] = old
        elif label == "the shell's user_ns":
            self.shell.user_ns = old
        elif label == "the shell's user_global_ns":
            self.shell.user_global_ns = old

    def wraps(self, new, old):
        """Whether ``new`` is a library's wrapper around ``old`` (functools.wraps)."""
        return getattr(new, "__wrapped__", MISSING) is old and not self.is_student_made(new)

    def is_student_made(self, obj):
        """Whether ``obj`` (a function, method or object) comes from a cell the course did not write."""
        fn = getattr(obj, "__func__", obj)
        code = getattr(fn, "__code__", None)
        if code is not None:
            return self.is_student_file(code.co_filename)
        return getattr(type(obj), "__module__", "") == "__main__"

    # ------------------------------------------------------------------ the audit hook
    def is_student_file(self, filename):
        """Whether ``filename`` is the code of a notebook cell the course did not write."""
        known = self.files.get(filename)
        if known is None:
            if not filename.startswith(self.cell_dir + os.sep) and not filename.startswith("<ipython-input"):
                known = True  # a library's file
            else:
                entry = linecache.cache.get(filename)
                known = entry is not None and digest("".join(entry[2])) in self.trusted
            self.files[filename] = known
        return not known

    def audit(self, event, args):
        if event == "sys.addaudithook":
            raise RuntimeError("the grader does not allow audit hooks in graded notebooks")
        what = NOTED.get(event)
        if what is None or self.busy:
            return
        self.busy = True  # sys._getframe raises an audit event itself
        try:
            frame = sys._getframe(1)
            while frame is not None and os.path.splitext(frame.f_code.co_filename)[0] in WRAPPERS:
                frame = frame.f_back
            student = frame is not None and self.is_student_file(frame.f_code.co_filename)
        finally:
            self.busy = False
        if not student:
            return
        if event in PATH_EVENTS:
            path = args[0] if args else None
            if isinstance(path, int) or path is None:
                return
            try:
                real = os.path.realpath(os.fsdecode(path))
            except (TypeError, ValueError):
                return
            if real.startswith(self.allowed):
                return
            what = f"{what} ({real})"
        self.noted.append(what)
