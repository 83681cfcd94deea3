"""The one failure the embedded servers report, apart from the modules that start them."""


class EmbeddedServerError(RuntimeError):
    """An embedded server could not start; the message says why and where to look."""
