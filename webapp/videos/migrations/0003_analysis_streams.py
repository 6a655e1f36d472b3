from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('videos', '0002_video_source_tag'),
    ]

    operations = [
        migrations.AddField(
            model_name='analysis',
            name='modalities',
            field=models.JSONField(blank=True, default=list, help_text="Streams fused (rgb, flow, rgbdiff); empty: the model's own."),
        ),
        migrations.AddField(
            model_name='analysis',
            name='fusion_weights',
            field=models.JSONField(blank=True, default=dict, help_text='Late-fusion weight per stream (others 1).'),
        ),
        migrations.AddField(
            model_name='analysis',
            name='flow_method',
            field=models.CharField(default='dis', max_length=16),
        ),
    ]
