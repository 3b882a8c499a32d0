"""Warehouse inventory checks."""


class Inventory:
    def __init__(self, bin_labels):
        self.bin_labels = bin_labels

    def duplicated_labels(self):
        """Labels printed on more than one bin (each occurrence listed), and how many bins are affected."""
        dupes = [label for label in self.bin_labels if self.bin_labels.count(label) > 1]
        return dupes, len(dupes)
