"""croftpost: a desktop assistant that helps a school post safely on social media."""

__version__ = "0.1.0"
