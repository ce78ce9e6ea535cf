"""The project package and the cross-cutting core shared by every app."""
