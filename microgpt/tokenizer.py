from pathlib import Path


def load_docs(path):
    "Read a UTF-8 text file with one document per line, skipping blank lines."
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no data file at {path}: pass a UTF-8 text file with one document "
                                "per line (the course ships data/names.txt)")
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError as e:
        raise ValueError(f"{path} is not UTF-8 text ({e.reason} at byte {e.start}): "
                         "save it as UTF-8, one document per line") from None
    docs = [line.strip() for line in text.splitlines() if line.strip()]
    if not docs:
        raise ValueError(f"{path} holds no documents (it is empty or blank): put one document per line")
    return docs


class Tokenizer:
    "Characters to token ids and back; the id after the last character is BOS."

    def __init__(self, chars):
        self.chars = list(chars)
        self.bos = len(self.chars)           # Beginning (and end) Of Sequence: a token no text contains
        self.vocab_size = len(self.chars) + 1
        self._ids = {ch: i for i, ch in enumerate(self.chars)}

    @classmethod
    def from_docs(cls, docs):
        return cls(sorted(set(''.join(docs))))

    def encode(self, text):
        for ch in text:
            if ch not in self._ids:
                raise ValueError(f"unknown character {ch!r} in {text!r}: the vocabulary has only "
                                 f"{''.join(self.chars)!r}")
        return [self._ids[ch] for ch in text]

    def decode(self, ids):
        for i in ids:
            if not 0 <= i < self.vocab_size:
                raise ValueError(f"token id {i} is outside the vocabulary (0..{self.vocab_size - 1})")
        return ''.join(self.chars[i] for i in ids if i != self.bos)

    def sequence(self, doc, block_size):
        "A training sequence: BOS, the document's tokens, BOS; at most block_size inputs and their targets."
        return ([self.bos] + self.encode(doc) + [self.bos])[:block_size + 1]
