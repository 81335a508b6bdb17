# Generated from ui/first_run_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'first_run_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_FirstRunDialog(object):
    def setupUi(self, FirstRunDialog):
        if not FirstRunDialog.objectName():
            FirstRunDialog.setObjectName(u"FirstRunDialog")
        FirstRunDialog.resize(480, 260)
        self.mainLayout = QVBoxLayout(FirstRunDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.welcomeLabel = QLabel(FirstRunDialog)
        self.welcomeLabel.setObjectName(u"welcomeLabel")
        self.welcomeLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.welcomeLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.nameLabel = QLabel(FirstRunDialog)
        self.nameLabel.setObjectName(u"nameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(FirstRunDialog)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.demoCheck = QCheckBox(FirstRunDialog)
        self.demoCheck.setObjectName(u"demoCheck")

        self.mainLayout.addWidget(self.demoCheck)

        self.demoNoteLabel = QLabel(FirstRunDialog)
        self.demoNoteLabel.setObjectName(u"demoNoteLabel")
        self.demoNoteLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.demoNoteLabel)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(FirstRunDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(FirstRunDialog)

        QMetaObject.connectSlotsByName(FirstRunDialog)
    # setupUi

    def retranslateUi(self, FirstRunDialog):
        FirstRunDialog.setWindowTitle(QCoreApplication.translate("FirstRunDialog", u"Welcome to MIM Desk", None))
        self.welcomeLabel.setText(QCoreApplication.translate("FirstRunDialog", u"<h3>Welcome to MIM Desk</h3><p>Every entry you write carries your name, so that everyone reading the timeline knows who recorded what.</p>", None))
        self.nameLabel.setText(QCoreApplication.translate("FirstRunDialog", u"Your &name:", None))
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("FirstRunDialog", u"As colleagues know you, e.g. Sam Jones", None))
        self.demoCheck.setText(QCoreApplication.translate("FirstRunDialog", u"Add &demo incidents to explore", None))
        self.demoNoteLabel.setText(QCoreApplication.translate("FirstRunDialog", u"A few made-up incidents to click through. They stay in this database; to start clean later, create a new database from the File menu.", None))
    # retranslateUi

