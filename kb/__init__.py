"""budget-kb: a cross-document knowledge base over Chinese public budget disclosures."""
