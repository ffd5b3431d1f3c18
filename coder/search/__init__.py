"""Text search for coding: word, lemma and compound hits in the project, marked and spread to passages
(``service.py``); the screen is ``tui/screens/search.py``."""
