"""Knowledge base: guides written by editors, kept alive by review dates and feedback; the training room."""
