"""The Textual app. It reads and writes the project only through ``coder.store`` methods
and ``coder.coding.service`` functions; it never runs SQL (tests/test_layers.py checks)."""
