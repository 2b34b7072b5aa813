"""The Matrix adapter (matrix-nio): sync loop, Chat implementation, `!` commands."""

from bot.platforms.matrix.chat import MatrixChat

__all__ = ["MatrixChat"]
