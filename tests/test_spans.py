from coder.spans import grow_end, grow_start, sentence_at, sentences, shrink_end, shrink_start, snap_words

TEXT = "Vi får flere henvisninger. Og ventetiden øker! «Det er tungt», sier hun."


def cut(span):
    return TEXT[span[0] : span[1]]


def test_snap_widens_to_words_and_keeps_their_punctuation():
    assert cut(snap_words(TEXT, 8, 12)) == "flere"
    assert cut(snap_words(TEXT, 15, 27)) == "henvisninger."
    assert cut(snap_words(TEXT, 46, 52)) == "«Det"


def test_grow_and_shrink_by_a_word():
    span = snap_words(TEXT, 8, 12)
    assert cut(grow_end(TEXT, *span)) == "flere henvisninger."
    assert cut(shrink_end(TEXT, *grow_end(TEXT, *span))) == "flere"
    assert cut(grow_start(TEXT, *span)) == "får flere"
    assert cut(shrink_start(TEXT, *grow_start(TEXT, *span))) == "flere"
    assert shrink_end(TEXT, *span) == span  # never below one word


def test_sentences():
    assert [cut(s) for s in sentences(TEXT, 0, len(TEXT))] == [
        "Vi får flere henvisninger.",
        "Og ventetiden øker!",
        "«Det er tungt», sier hun.",
    ]
    assert cut(sentence_at(TEXT, 0, len(TEXT), 30)) == "Og ventetiden øker!"
