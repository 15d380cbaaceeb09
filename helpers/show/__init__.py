"""What the account holds, shown: pandas tables, Mermaid diagrams, plots, policy files."""
