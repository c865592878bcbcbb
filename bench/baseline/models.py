from django.db import models


class Row(models.Model):
    """As plain as a snippet gets: Wagtail's own list view over it is the baseline."""

    name = models.CharField(max_length=50)
    number = models.CharField(max_length=18)
    opened_on = models.DateField()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["-opened_on", "-id"], name="bench_row_opened")]

    def __str__(self):
        return self.name
