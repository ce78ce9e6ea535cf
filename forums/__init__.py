"""Forums where public buyers share experience: categories, topics, posts, reactions, moderation."""
