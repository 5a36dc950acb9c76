import random
import string

import pytest
from hypothesis import given, strategies as st

from conftest import ROOT
from microgpt.tokenizer import Tokenizer, load_docs

DOCS = load_docs(ROOT / 'data' / 'names.txt')
TOK = Tokenizer.from_docs(DOCS)


def test_sorted_characters_get_ids_and_bos_comes_after_them():
    assert TOK.chars == list(string.ascii_lowercase)
    assert TOK.encode('az') == [0, 25]
    assert TOK.bos == 26 and TOK.vocab_size == 27


def test_the_vocabulary_does_not_depend_on_the_order_of_the_documents():
    shuffled = DOCS[:]
    random.Random(0).shuffle(shuffled)
    assert Tokenizer.from_docs(shuffled).chars == TOK.chars


def test_every_name_of_the_data_set_survives_the_round_trip():
    for doc in DOCS:
        assert TOK.decode(TOK.encode(doc)) == doc


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_round_trip_for_any_documents(docs):
    tok = Tokenizer.from_docs(docs)
    assert sorted(tok.chars) == tok.chars and tok.bos == len(set(''.join(docs)))
    for doc in docs:
        assert tok.decode(tok.encode(doc)) == doc


@pytest.mark.parametrize('text, char', [('zoë', 'ë'), ('mary ann', ' '), ('Emma', 'E')])
def test_an_unknown_character_is_named_in_the_error(text, char):
    with pytest.raises(ValueError, match=f"unknown character {char!r} in {text!r}"):
        TOK.encode(text)


@pytest.mark.parametrize('bad_id', [27, -1, 100])
def test_decode_refuses_ids_outside_the_vocabulary(bad_id):
    with pytest.raises(ValueError, match=rf'token id {bad_id} is outside the vocabulary \(0..26\)'):
        TOK.decode([0, bad_id])


def test_decode_leaves_out_bos():
    assert TOK.decode([26, 4, 12, 12, 0, 26]) == 'emma'


def test_a_sequence_is_wrapped_in_bos_on_both_sides():
    assert TOK.sequence('emma', 8) == [26, 4, 12, 12, 0, 26]


@pytest.mark.parametrize('block_size', [1, 2, 5, 8, 16])
def test_sequences_are_cut_to_block_size_inputs_and_their_targets(block_size):
    for doc in DOCS[::97]:
        seq = TOK.sequence(doc, block_size)
        whole = [26] + TOK.encode(doc) + [26]
        assert seq == whole[:block_size + 1]
        assert len(seq) - 1 == min(len(doc) + 1, block_size)  # predictions made from it


def test_a_seven_letter_name_fits_block_size_8_and_an_eight_letter_one_loses_its_end():
    assert TOK.sequence('abigail', 8)[-1] == TOK.bos
    assert TOK.decode(TOK.sequence('isabella', 8)) == 'isabella'
    assert TOK.sequence('isabella', 8)[-1] != TOK.bos


@pytest.mark.parametrize('block_size', [0, -3, 2.5, '8'])
def test_sequence_refuses_a_bad_block_size(block_size):
    with pytest.raises(ValueError, match='block_size must be a positive whole number'):
        TOK.sequence('emma', block_size)


def test_repeated_characters_are_refused_by_name():
    with pytest.raises(ValueError, match="the characters must be unique, got 'ab' more than once"):
        Tokenizer('abcab')


def test_a_list_of_names_is_refused_in_one_short_line():
    names = ['emma', 'olivia'] * 20000
    with pytest.raises(ValueError, match=r"single characters, but item 0 is 'emma': .*from_docs") as e:
        Tokenizer(names)
    assert len(str(e.value)) < 200


def test_held_out_split_shares_no_name_and_keeps_the_training_order():
    from microgpt.tokenizer import held_out_split
    docs = ['ann', 'bo', 'ann', 'cy', 'dee', 'bo', 'eve', 'cy']
    train, held_out = held_out_split(docs, n_val=2)
    assert held_out == ['dee', 'eve']  # the last two distinct names, in order
    assert train == ['ann', 'bo', 'ann', 'cy', 'bo', 'cy']
    assert not set(train) & set(held_out)


def test_held_out_split_of_the_shuffled_names():
    import random

    from microgpt.tokenizer import held_out_split, load_docs
    docs = load_docs(ROOT / 'data' / 'names.txt')
    random.Random(42).shuffle(docs)
    train, held_out = held_out_split(docs)
    assert len(held_out) == len(set(held_out)) == 1000
    assert not set(train) & set(held_out)
    assert len(train) + sum(docs.count(name) for name in held_out) == len(docs) == 32469
    assert train[:500] == docs[:500]  # the reference run's names are untouched


def test_held_out_split_refuses_a_size_it_cannot_meet():
    from microgpt.tokenizer import held_out_split
    with pytest.raises(ValueError, match='n_val must be between 1 and 2'):
        held_out_split(['a', 'b', 'a', 'c'], n_val=3)
