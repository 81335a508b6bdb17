# Generated from ui/followup_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'followup_dialog.ui'
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
    QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
    QLabel, QLineEdit, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_FollowupDialog(object):
    def setupUi(self, FollowupDialog):
        if not FollowupDialog.objectName():
            FollowupDialog.setObjectName(u"FollowupDialog")
        FollowupDialog.resize(560, 320)
        self.mainLayout = QVBoxLayout(FollowupDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(FollowupDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.titleLabel = QLabel(FollowupDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.titleLabel)

        self.titleEdit = QLineEdit(FollowupDialog)
        self.titleEdit.setObjectName(u"titleEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.titleEdit)

        self.ownerLabel = QLabel(FollowupDialog)
        self.ownerLabel.setObjectName(u"ownerLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.ownerLabel)

        self.ownerEdit = QLineEdit(FollowupDialog)
        self.ownerEdit.setObjectName(u"ownerEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.ownerEdit)

        self.dueCheck = QCheckBox(FollowupDialog)
        self.dueCheck.setObjectName(u"dueCheck")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.dueCheck)

        self.dueEdit = QDateEdit(FollowupDialog)
        self.dueEdit.setObjectName(u"dueEdit")
        self.dueEdit.setEnabled(False)
        self.dueEdit.setCalendarPopup(True)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.dueEdit)

        self.priorityLabel = QLabel(FollowupDialog)
        self.priorityLabel.setObjectName(u"priorityLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.priorityLabel)

        self.priorityCombo = QComboBox(FollowupDialog)
        self.priorityCombo.setObjectName(u"priorityCombo")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.priorityCombo)

        self.kindLabel = QLabel(FollowupDialog)
        self.kindLabel.setObjectName(u"kindLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.kindLabel)

        self.kindCombo = QComboBox(FollowupDialog)
        self.kindCombo.setObjectName(u"kindCombo")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.kindCombo)

        self.statusLabel = QLabel(FollowupDialog)
        self.statusLabel.setObjectName(u"statusLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.statusLabel)

        self.statusCombo = QComboBox(FollowupDialog)
        self.statusCombo.setObjectName(u"statusCombo")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.statusCombo)

        self.ticketLabel = QLabel(FollowupDialog)
        self.ticketLabel.setObjectName(u"ticketLabel")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.ticketLabel)

        self.ticketEdit = QLineEdit(FollowupDialog)
        self.ticketEdit.setObjectName(u"ticketEdit")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.ticketEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(FollowupDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(FollowupDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.titleLabel.setBuddy(self.titleEdit)
        self.ownerLabel.setBuddy(self.ownerEdit)
        self.priorityLabel.setBuddy(self.priorityCombo)
        self.kindLabel.setBuddy(self.kindCombo)
        self.statusLabel.setBuddy(self.statusCombo)
        self.ticketLabel.setBuddy(self.ticketEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.titleEdit, self.ownerEdit)
        QWidget.setTabOrder(self.ownerEdit, self.dueCheck)
        QWidget.setTabOrder(self.dueCheck, self.dueEdit)
        QWidget.setTabOrder(self.dueEdit, self.priorityCombo)
        QWidget.setTabOrder(self.priorityCombo, self.kindCombo)
        QWidget.setTabOrder(self.kindCombo, self.statusCombo)
        QWidget.setTabOrder(self.statusCombo, self.ticketEdit)

        self.retranslateUi(FollowupDialog)

        QMetaObject.connectSlotsByName(FollowupDialog)
    # setupUi

    def retranslateUi(self, FollowupDialog):
        FollowupDialog.setWindowTitle(QCoreApplication.translate("FollowupDialog", u"Follow-up action", None))
        self.titleLabel.setText(QCoreApplication.translate("FollowupDialog", u"A&ction:", None))
        self.titleEdit.setPlaceholderText(QCoreApplication.translate("FollowupDialog", u"What will be done (e.g. alert 30 days before a certificate expires)", None))
        self.ownerLabel.setText(QCoreApplication.translate("FollowupDialog", u"&Owner:", None))
        self.ownerEdit.setPlaceholderText(QCoreApplication.translate("FollowupDialog", u"Who is accountable for it", None))
        self.dueCheck.setText(QCoreApplication.translate("FollowupDialog", u"&Due by:", None))
        self.dueEdit.setDisplayFormat(QCoreApplication.translate("FollowupDialog", u"yyyy-MM-dd", None))
        self.priorityLabel.setText(QCoreApplication.translate("FollowupDialog", u"&Priority:", None))
        self.kindLabel.setText(QCoreApplication.translate("FollowupDialog", u"&Kind:", None))
        self.statusLabel.setText(QCoreApplication.translate("FollowupDialog", u"&Status:", None))
        self.ticketLabel.setText(QCoreApplication.translate("FollowupDialog", u"&Ticket:", None))
        self.ticketEdit.setPlaceholderText(QCoreApplication.translate("FollowupDialog", u"Problem or change record that tracks it, e.g. PRB0001234", None))
    # retranslateUi

