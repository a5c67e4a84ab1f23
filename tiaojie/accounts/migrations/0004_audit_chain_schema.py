# The columns of the audit hash chain (lib/auditchain.py), the login audit trail, the lockout counters and the
# chain heads. seq/prev_hash/row_hash are nullable here; 0005 fills them for existing rows, 0006 requires them.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PII_TRIGGERS_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS pii_log_no_update BEFORE UPDATE ON accounts_piiaccesslog
       BEGIN SELECT RAISE(ABORT, 'accounts_piiaccesslog is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS pii_log_no_delete BEFORE DELETE ON accounts_piiaccesslog
       BEGIN SELECT RAISE(ABORT, 'accounts_piiaccesslog is append-only'); END;""",
]


def restore_pii_triggers(apps, schema_editor):
    """SQLite rebuilds a table to alter it, and the rebuilt table has no triggers: put 0002's back."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in PII_TRIGGERS_SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_is_demo'),
    ]

    operations = [
        # Undone last when migrating back: the rebuilds below would leave the table unguarded for 0002.
        migrations.RunPython(migrations.RunPython.noop, restore_pii_triggers),
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('name', models.CharField(max_length=60, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField(default=0)),
                ('head_hash', models.CharField(max_length=64)),
                ('head_mac', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'verbose_name': '审计链头',
                'verbose_name_plural': '审计链头',
            },
        ),
        migrations.AddField(
            model_name='piiaccesslog',
            name='prev_hash',
            field=models.CharField(null=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='piiaccesslog',
            name='row_hash',
            field=models.CharField(null=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='piiaccesslog',
            name='seq',
            field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name='piiaccesslog',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(choices=[('username', '账户'), ('ip', 'IP 地址')], max_length=10, verbose_name='范围')),
                ('key', models.CharField(max_length=150, verbose_name='账户或地址')),
                ('failures', models.PositiveIntegerField(default=0, verbose_name='失败次数')),
                ('window_start', models.DateTimeField(blank=True, null=True, verbose_name='计数开始')),
                ('locked_until', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='锁定至')),
            ],
            options={
                'verbose_name': '登录锁定',
                'verbose_name_plural': '登录锁定',
                'constraints': [models.UniqueConstraint(fields=('scope', 'key'), name='login_throttle_scope_key')],
            },
        ),
        migrations.CreateModel(
            name='LoginEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                ('seq', models.BigIntegerField(editable=False, unique=True)),
                ('prev_hash', models.CharField(editable=False, max_length=64)),
                ('row_hash', models.CharField(editable=False, max_length=64)),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='用户名')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                ('user_agent', models.CharField(blank=True, max_length=300)),
                ('kind', models.CharField(choices=[('login_success', '登录成功'), ('login_failure', '密码错误'), ('password_ok', '密码正确，待两步验证'), ('locked_out', '连续失败，已锁定'), ('refused_locked', '锁定期间拒绝登录'), ('unlocked', '管理员解锁'), ('otp_failure', '两步验证码错误'), ('otp_enrolled', '绑定两步验证'), ('otp_enrol_failure', '绑定时验证码错误'), ('recovery_code_used', '使用恢复码'), ('recovery_codes_new', '重新生成恢复码'), ('otp_reset', '管理员重置两步验证'), ('password_changed', '修改密码'), ('logout', '退出登录'), ('idle_logout', '长时间未操作，自动退出')], max_length=30, verbose_name='类型')),
                ('detail', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='账户')),
            ],
            options={
                'verbose_name': '登录日志',
                'verbose_name_plural': '登录日志',
                'indexes': [models.Index(fields=['username', 'at'], name='accounts_lo_usernam_1d2ed7_idx'), models.Index(fields=['ip_address', 'at'], name='accounts_lo_ip_addr_4ee15c_idx')],
            },
        ),
    ]
