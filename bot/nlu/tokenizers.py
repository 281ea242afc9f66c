"""WhitespaceTokenizer, splitting as Rasa does: punctuation at word edges dropped."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from bot.nlu.message import Message, Token
from bot.nlu.registry import Component, register

# Non-word characters at the end of a word, at the start of a word (unless a number
# follows), or inside a word but not between digits and not URL/e-mail punctuation.
_SPLIT = re.compile(
    r"[^\w#@&]+(?=\s|$)|"
    r"(\s|^)[^\w#@&]+(?=[^0-9\s])|"
    r"(?<=[^0-9\s])[^\w._~:/?#\[\]()@!$&*+,;=-]+(?=[^0-9\s])"
)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\u200d\ufe0f]+"
)


def split_words(text: str) -> list[str]:
    words = [_EMOJI.sub("", word) for word in _SPLIT.sub(" ", text).split()]
    return [word for word in words if word]


@register
class WhitespaceTokenizer(Component):
    name = "WhitespaceTokenizer"
    defaults: ClassVar[dict[str, Any]] = {
        "intent_tokenization_flag": False,
        "intent_split_symbol": "_",
        "token_pattern": None,
        "prefix_separator_symbol": None,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        pattern = self.config["token_pattern"]
        self._token_pattern = re.compile(pattern) if pattern else None

    def tokenize(self, text: str) -> list[Token]:
        words = split_words(text) or ([text] if text.strip() else [])
        tokens: list[Token] = []
        cursor = 0
        for word in words:
            start = text.find(word, cursor)
            if start < 0:
                start = cursor
            cursor = start + len(word)
            if self._token_pattern is None:
                tokens.append(Token(word, start, cursor))
                continue
            for piece in self._token_pattern.finditer(word):
                tokens.append(Token(piece.group(), start + piece.start(), start + piece.end()))
        return tokens

    def process(self, message: Message) -> None:
        message.tokens = self.tokenize(message.text)
