"""Scripts that are not benchmarks: the headless notebook runner behind ``bootstrap.py run``, the
judge's training (``python -m tools.train_judge``) and the browser check of the widgets."""
