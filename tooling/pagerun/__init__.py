"""Run a page's Python blocks in order in a fresh interpreter, as a reader who copies them would.

A page is the unit of truth. For ``docs/<group>/<page>.md`` the runner:

1. works out the page's *reading paths*: a page whose blocks sit in ``TensorFlow`` /
   ``PyTorch`` content tabs is read twice, once per framework (that framework's tab blocks
   plus the untabbed ones, with the other framework made unimportable, as for a reader who
   installed only theirs); any other page is read once, all blocks (path ``page``);
2. for each path, starts one new interpreter in an empty folder and executes the setup cell
   of the page's notebook for that path, then the path's blocks one after another in a single
   namespace, as a reader pasting them into ``python`` would, capturing what each block
   prints. Inline fences run as written; include-only fences (``{.python notest}``) run the
   snippet sections they include;
3. in that same interpreter, after the blocks, runs the page's own tests: the functions of
   the test modules that declare ``PAGE = "docs/<group>/<page>.md"`` and take the path's
   fixture (``page``, ``tf_page`` or ``torch_page``, an object whose attributes are the
   page's globals), under pytest;
4. compares what every section printed with ``snippets/<group>/outputs/<file>/<section>.txt``,
   the file the page shows below the code, and fails on anything written to stderr other
   than TensorFlow's native start-up log lines.

Nothing runs twice: the output check, the stderr check, coverage of ``snippets/`` and the
page's behavioural tests all come from that one run per path. A run's result (and its
coverage data) is cached under ``.cache/pagerun/`` by a hash of everything it depends on
(see :func:`.key.run_key`), so an unchanged page is not run again; ``PAGERUN_CACHE=0`` or
``--fresh`` forces every run. A page run that outlives ``PAGERUN_TIMEOUT`` seconds (default
240) is killed together with every process it started.

The modules, each readable on its own (importers take a name from the module that defines it;
this package's ``__init__`` imports nothing):

- :mod:`.steps`: reading a page into steps, on each reading path, and finding its test modules;
- :mod:`.key`: what a run depends on, hashed into its cache key (:func:`.key.run_key`);
- :mod:`.inside`: what runs inside the page's interpreter (network guard, the other framework
  made unimportable, the notebook's setup cell and the steps, the page's tests);
- :mod:`.processes`: the parent's process management (environment, sessions, killing,
  coverage data);
- :mod:`.run`: one reading path run in a new interpreter, or reused from the cache;
- :mod:`.compare`: comparing a page's runs with its output files, or updating them;
- :mod:`.__main__`: the command line, and the hidden ``--child`` mode that starts
  :func:`.inside.run_inside`.

The notebook's setup cell that a run executes first is ``tooling.setup_cell``, shared with
the generated notebooks (``tooling.notebooks``).

Regenerate every output file with ``make outputs`` (``python -m tooling.pagerun --update``).
"""
