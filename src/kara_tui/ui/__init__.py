"""The Textual calendar."""
