"""Registers the salle des marchés' demo content with `seed_demo` (the `register_demo_content` hook)."""

from wagtail import hooks

from procurement.demo import seed_procurement

hooks.register("register_demo_content", seed_procurement)
