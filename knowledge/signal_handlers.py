"""Signal handlers of the knowledge base (connected in KnowledgeConfig.ready)."""
