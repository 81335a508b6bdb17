# Generated from ui/settings_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSpacerItem, QSpinBox, QTabWidget,
    QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(620, 720)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.pages = QTabWidget(SettingsDialog)
        self.pages.setObjectName(u"pages")
        self.commsPage = QWidget()
        self.commsPage.setObjectName(u"commsPage")
        self.commsPageLayout = QVBoxLayout(self.commsPage)
        self.commsPageLayout.setObjectName(u"commsPageLayout")
        self.policyNote = QLabel(self.commsPage)
        self.policyNote.setObjectName(u"policyNote")
        self.policyNote.setWordWrap(True)

        self.commsPageLayout.addWidget(self.policyNote)

        self.generalGroup = QGroupBox(self.commsPage)
        self.generalGroup.setObjectName(u"generalGroup")
        self.generalForm = QFormLayout(self.generalGroup)
        self.generalForm.setObjectName(u"generalForm")
        self.generalForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.displayNameLabel = QLabel(self.generalGroup)
        self.displayNameLabel.setObjectName(u"displayNameLabel")

        self.generalForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.displayNameLabel)

        self.displayNameEdit = QLineEdit(self.generalGroup)
        self.displayNameEdit.setObjectName(u"displayNameEdit")

        self.generalForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.displayNameEdit)

        self.approvalLabel = QLabel(self.generalGroup)
        self.approvalLabel.setObjectName(u"approvalLabel")

        self.generalForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.approvalLabel)

        self.approvalCombo = QComboBox(self.generalGroup)
        self.approvalCombo.setObjectName(u"approvalCombo")

        self.generalForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.approvalCombo)

        self.statusPageLabel = QLabel(self.generalGroup)
        self.statusPageLabel.setObjectName(u"statusPageLabel")

        self.generalForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.statusPageLabel)

        self.statusPageRow = QHBoxLayout()
        self.statusPageRow.setObjectName(u"statusPageRow")
        self.statusPageDirEdit = QLineEdit(self.generalGroup)
        self.statusPageDirEdit.setObjectName(u"statusPageDirEdit")

        self.statusPageRow.addWidget(self.statusPageDirEdit)

        self.statusPageBrowseButton = QPushButton(self.generalGroup)
        self.statusPageBrowseButton.setObjectName(u"statusPageBrowseButton")

        self.statusPageRow.addWidget(self.statusPageBrowseButton)


        self.generalForm.setLayout(2, QFormLayout.ItemRole.FieldRole, self.statusPageRow)

        self.filesFolderLabel = QLabel(self.generalGroup)
        self.filesFolderLabel.setObjectName(u"filesFolderLabel")

        self.generalForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.filesFolderLabel)

        self.filesFolderRow = QHBoxLayout()
        self.filesFolderRow.setObjectName(u"filesFolderRow")
        self.filesFolderEdit = QLineEdit(self.generalGroup)
        self.filesFolderEdit.setObjectName(u"filesFolderEdit")

        self.filesFolderRow.addWidget(self.filesFolderEdit)

        self.filesFolderBrowseButton = QPushButton(self.generalGroup)
        self.filesFolderBrowseButton.setObjectName(u"filesFolderBrowseButton")

        self.filesFolderRow.addWidget(self.filesFolderBrowseButton)


        self.generalForm.setLayout(3, QFormLayout.ItemRole.FieldRole, self.filesFolderRow)


        self.commsPageLayout.addWidget(self.generalGroup)

        self.smtpGroup = QGroupBox(self.commsPage)
        self.smtpGroup.setObjectName(u"smtpGroup")
        self.smtpForm = QFormLayout(self.smtpGroup)
        self.smtpForm.setObjectName(u"smtpForm")
        self.smtpForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.smtpHostLabel = QLabel(self.smtpGroup)
        self.smtpHostLabel.setObjectName(u"smtpHostLabel")

        self.smtpForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.smtpHostLabel)

        self.smtpHostEdit = QLineEdit(self.smtpGroup)
        self.smtpHostEdit.setObjectName(u"smtpHostEdit")

        self.smtpForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.smtpHostEdit)

        self.smtpPortLabel = QLabel(self.smtpGroup)
        self.smtpPortLabel.setObjectName(u"smtpPortLabel")

        self.smtpForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.smtpPortLabel)

        self.smtpPortSpin = QSpinBox(self.smtpGroup)
        self.smtpPortSpin.setObjectName(u"smtpPortSpin")
        self.smtpPortSpin.setMinimum(1)
        self.smtpPortSpin.setMaximum(65535)
        self.smtpPortSpin.setValue(587)

        self.smtpForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.smtpPortSpin)

        self.smtpSecurityLabel = QLabel(self.smtpGroup)
        self.smtpSecurityLabel.setObjectName(u"smtpSecurityLabel")

        self.smtpForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.smtpSecurityLabel)

        self.smtpSecurityCombo = QComboBox(self.smtpGroup)
        self.smtpSecurityCombo.setObjectName(u"smtpSecurityCombo")

        self.smtpForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.smtpSecurityCombo)

        self.verifyCheck = QCheckBox(self.smtpGroup)
        self.verifyCheck.setObjectName(u"verifyCheck")
        self.verifyCheck.setChecked(True)

        self.smtpForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.verifyCheck)

        self.caFileLabel = QLabel(self.smtpGroup)
        self.caFileLabel.setObjectName(u"caFileLabel")

        self.smtpForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.caFileLabel)

        self.caFileEdit = QLineEdit(self.smtpGroup)
        self.caFileEdit.setObjectName(u"caFileEdit")

        self.smtpForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.caFileEdit)

        self.smtpUserLabel = QLabel(self.smtpGroup)
        self.smtpUserLabel.setObjectName(u"smtpUserLabel")

        self.smtpForm.setWidget(5, QFormLayout.ItemRole.LabelRole, self.smtpUserLabel)

        self.smtpUserEdit = QLineEdit(self.smtpGroup)
        self.smtpUserEdit.setObjectName(u"smtpUserEdit")

        self.smtpForm.setWidget(5, QFormLayout.ItemRole.FieldRole, self.smtpUserEdit)

        self.smtpPasswordLabel = QLabel(self.smtpGroup)
        self.smtpPasswordLabel.setObjectName(u"smtpPasswordLabel")

        self.smtpForm.setWidget(6, QFormLayout.ItemRole.LabelRole, self.smtpPasswordLabel)

        self.smtpPasswordEdit = QLineEdit(self.smtpGroup)
        self.smtpPasswordEdit.setObjectName(u"smtpPasswordEdit")
        self.smtpPasswordEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.smtpForm.setWidget(6, QFormLayout.ItemRole.FieldRole, self.smtpPasswordEdit)


        self.commsPageLayout.addWidget(self.smtpGroup)

        self.webhookGroup = QGroupBox(self.commsPage)
        self.webhookGroup.setObjectName(u"webhookGroup")
        self.webhookForm = QFormLayout(self.webhookGroup)
        self.webhookForm.setObjectName(u"webhookForm")
        self.webhookForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.teamsLabel = QLabel(self.webhookGroup)
        self.teamsLabel.setObjectName(u"teamsLabel")

        self.webhookForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.teamsLabel)

        self.teamsUrlEdit = QLineEdit(self.webhookGroup)
        self.teamsUrlEdit.setObjectName(u"teamsUrlEdit")
        self.teamsUrlEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.webhookForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.teamsUrlEdit)

        self.slackLabel = QLabel(self.webhookGroup)
        self.slackLabel.setObjectName(u"slackLabel")

        self.webhookForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.slackLabel)

        self.slackUrlEdit = QLineEdit(self.webhookGroup)
        self.slackUrlEdit.setObjectName(u"slackUrlEdit")
        self.slackUrlEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.webhookForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.slackUrlEdit)

        self.genericLabel = QLabel(self.webhookGroup)
        self.genericLabel.setObjectName(u"genericLabel")

        self.webhookForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.genericLabel)

        self.genericUrlEdit = QLineEdit(self.webhookGroup)
        self.genericUrlEdit.setObjectName(u"genericUrlEdit")
        self.genericUrlEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.webhookForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.genericUrlEdit)


        self.commsPageLayout.addWidget(self.webhookGroup)

        self.secretsNote = QLabel(self.commsPage)
        self.secretsNote.setObjectName(u"secretsNote")
        self.secretsNote.setWordWrap(True)

        self.commsPageLayout.addWidget(self.secretsNote)

        self.pageSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.commsPageLayout.addItem(self.pageSpacer)

        self.pages.addTab(self.commsPage, "")

        self.mainLayout.addWidget(self.pages)

        self.errorLabel = QLabel(SettingsDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.displayNameLabel.setBuddy(self.displayNameEdit)
        self.approvalLabel.setBuddy(self.approvalCombo)
        self.statusPageLabel.setBuddy(self.statusPageDirEdit)
        self.filesFolderLabel.setBuddy(self.filesFolderEdit)
        self.smtpHostLabel.setBuddy(self.smtpHostEdit)
        self.smtpPortLabel.setBuddy(self.smtpPortSpin)
        self.smtpSecurityLabel.setBuddy(self.smtpSecurityCombo)
        self.caFileLabel.setBuddy(self.caFileEdit)
        self.smtpUserLabel.setBuddy(self.smtpUserEdit)
        self.smtpPasswordLabel.setBuddy(self.smtpPasswordEdit)
        self.teamsLabel.setBuddy(self.teamsUrlEdit)
        self.slackLabel.setBuddy(self.slackUrlEdit)
        self.genericLabel.setBuddy(self.genericUrlEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SettingsDialog)

        QMetaObject.connectSlotsByName(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
        self.generalGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"General", None))
        self.displayNameLabel.setText(QCoreApplication.translate("SettingsDialog", u"Your &name:", None))
        self.displayNameEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Written on every entry and message you make", None))
        self.approvalLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Approval:", None))
#if QT_CONFIG(tooltip)
        self.approvalCombo.setToolTip(QCoreApplication.translate("SettingsDialog", u"Who approves a message before MIM Desk sends, copies or hands it to the mail client", None))
#endif // QT_CONFIG(tooltip)
        self.statusPageLabel.setText(QCoreApplication.translate("SettingsDialog", u"Status page &folder:", None))
        self.statusPageDirEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Empty: no status page", None))
        self.statusPageBrowseButton.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
        self.filesFolderLabel.setText(QCoreApplication.translate("SettingsDialog", u"F&iles folder:", None))
#if QT_CONFIG(tooltip)
        self.filesFolderEdit.setToolTip(QCoreApplication.translate("SettingsDialog", u"Where .eml drafts, role cards, PDFs and exports go when you name no file", None))
#endif // QT_CONFIG(tooltip)
        self.filesFolderBrowseButton.setText(QCoreApplication.translate("SettingsDialog", u"B&rowse\u2026", None))
        self.smtpGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"E-mail sent by MIM Desk (SMTP)", None))
        self.smtpHostLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Server:", None))
        self.smtpHostEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"mail.example.org", None))
        self.smtpPortLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Port:", None))
        self.smtpSecurityLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Encryption:", None))
        self.verifyCheck.setText(QCoreApplication.translate("SettingsDialog", u"&Verify the server's certificate", None))
        self.caFileLabel.setText(QCoreApplication.translate("SettingsDialog", u"Extra &CA file:", None))
        self.caFileEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Optional: a PEM file for an internal CA", None))
        self.smtpUserLabel.setText(QCoreApplication.translate("SettingsDialog", u"&User name:", None))
        self.smtpUserEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Empty for a relay without login", None))
        self.smtpPasswordLabel.setText(QCoreApplication.translate("SettingsDialog", u"Pass&word:", None))
        self.webhookGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Webhooks", None))
        self.teamsLabel.setText(QCoreApplication.translate("SettingsDialog", u"Microsoft &Teams:", None))
        self.teamsUrlEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Workflows webhook address (https://\u2026)", None))
        self.slackLabel.setText(QCoreApplication.translate("SettingsDialog", u"S&lack:", None))
        self.slackUrlEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Incoming webhook address (https://hooks.slack.com/\u2026)", None))
        self.genericLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Generic JSON:", None))
        self.genericUrlEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Any address that accepts a JSON POST (https://\u2026)", None))
        self.secretsNote.setText(QCoreApplication.translate("SettingsDialog", u"Passwords and webhook addresses are kept in this computer's keyring, never in a file. Leave a field empty to keep what is stored.", None))
        self.pages.setTabText(self.pages.indexOf(self.commsPage), QCoreApplication.translate("SettingsDialog", u"Communications", None))
    # retranslateUi

