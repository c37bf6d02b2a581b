"""The end-to-end journey: steps and event logs, the touchpoint graph, metrics, priorities, diagrams."""
