"""The Textual app. Screens read the project through the Project they are handed and change it only through the
features' service functions (``coder.coding.service``, ``coder.suggest.service`` …); they never run SQL
(tests/test_layers.py checks). Worker threads open their own connection with ``coder.project.service``."""
